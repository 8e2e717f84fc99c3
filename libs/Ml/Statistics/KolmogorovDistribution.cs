namespace Platform.Ml.Statistics;

/// <summary>
/// The null distribution of the one-sample two-sided Kolmogorov statistic D_n (SciPy's <c>kstwo</c>), which SciPy's
/// <c>ks_2samp</c> uses for large samples with n = round(n1·n2/(n1+n2)). Re-implements SciPy 1.10's <c>_kolmogn</c>,
/// including Simard &amp; L'Ecuyer's (2011) rules for choosing between Ruben–Gambino, the Durbin matrix (Marsaglia–Tsang–Wang),
/// Pomeranz's recursion, Pelz–Good's approximation and twice the one-sided Smirnov tail.
/// </summary>
internal static class KolmogorovDistribution
{
    private const int Exponent128 = 128;
    private static readonly double Ep128 = Math.ScaleB(1.0, Exponent128);
    private static readonly double Em128 = Math.ScaleB(1.0, -Exponent128);
    private static readonly double Sqrt2Pi = Math.Sqrt(2 * Math.PI);
    private static readonly double Log2Pi = Math.Log(2 * Math.PI);
    private const double MinLog = -708;
    private static readonly double Sqrt3 = Math.Sqrt(3);
    private const double PiSquared = Math.PI * Math.PI;
    private const double PiFour = PiSquared * PiSquared;
    private const double PiSix = PiFour * PiSquared;

    // Stirling series coefficients B_{2j}/(2j)/(2j-1), j = 8..1 (highest power first, for Horner).
    private static readonly double[] StirlingCoefficients =
    [
        -2.955065359477124183e-2, 6.4102564102564102564e-3,
        -1.9175269175269175269e-3, 8.4175084175084175084e-4,
        -5.952380952380952381e-4, 7.9365079365079365079e-4,
        -2.7777777777777777778e-3, 8.3333333333333333333e-2,
    ];

    /// <summary>P(D_n ≥ x).</summary>
    public static double Survival(int n, double x) => Evaluate(n, x, cdf: false);

    private static double Select(double cdfProb, double sfProb, bool cdf) => Math.Clamp(cdf ? cdfProb : sfProb, 0.0, 1.0);

    private static double Evaluate(int n, double x, bool cdf)
    {
        if (n <= 0) return double.NaN;
        if (x >= 1.0) return Select(1.0, 0.0, cdf);
        if (x <= 0.0) return Select(0.0, 1.0, cdf);

        var t = n * x;
        if (t <= 1.0)
        {
            // Ruben–Gambino: 1/(2n) ≤ x ≤ 1/n.
            if (t <= 0.5) return Select(0.0, 1.0, cdf);
            double prob;
            if (n <= 140)
            {
                prob = 1.0;
                var step = 2 * t - 1;
                for (var i = 1; i <= n; i++) prob *= i * (1.0 / n) * step;
            }
            else
            {
                prob = Math.Exp(LogFactorialOverPower(n) + n * Math.Log(2 * t - 1));
            }

            return Select(prob, 1.0 - prob, cdf);
        }

        if (t >= n - 1)
        {
            // Ruben–Gambino upper end.
            var prob = 2 * Math.Pow(1.0 - x, n);
            return Select(1 - prob, prob, cdf);
        }

        if (x >= 0.5)
        {
            // D+ ≥ x and D- ≥ x cannot both happen, so the two-sided tail is exactly twice the one-sided one.
            var prob = 2 * Smirnov.Survival(n, x);
            return Select(1.0 - prob, prob, cdf);
        }

        var nxSquared = t * x;
        if (n <= 140)
        {
            if (nxSquared <= 0.754693)
            {
                var prob = Durbin(n, x);
                return Select(prob, 1.0 - prob, cdf);
            }

            if (nxSquared <= 4)
            {
                var prob = Pomeranz(n, x);
                return Select(prob, 1.0 - prob, cdf);
            }

            // Miller's approximation: the intersection term is negligible here.
            var sf = 2 * Smirnov.Survival(n, x);
            return Select(1.0 - sf, sf, cdf);
        }

        // The CDF and the survival function have different cut-offs.
        if (!cdf)
        {
            if (nxSquared >= 370.0) return 0.0;
            if (nxSquared >= 2.2) return Math.Clamp(2 * Smirnov.Survival(n, x), 0.0, 1.0);
        }

        double cdfProb;
        if (nxSquared >= 18.0) cdfProb = 1.0;
        else if (n <= 100_000 && n * Math.Pow(x, 1.5) <= 1.4) cdfProb = Durbin(n, x);
        else cdfProb = PelzGood(n, x);
        return Select(cdfProb, 1.0 - cdfProb, cdf);
    }

    /// <summary>log(n! / n^n) by Stirling's series with n·log(n) removed up front (no cancellation).</summary>
    private static double LogFactorialOverPower(int n)
    {
        var rn = 1.0 / n;
        var z = rn / n;
        var poly = 0.0;
        foreach (var c in StirlingCoefficients) poly = poly * z + c;
        return Math.Log(n) / 2 - n + Log2Pi / 2 + rn * poly;
    }

    /// <summary>
    /// P(D_n ≤ d) by Durbin's matrix: write d = (k − h)/n, build the (2k−1)² matrix H and take the k-th diagonal element of
    /// (n!/n^n)·H^n, scaling by 2^±128 as needed to stay in range (Marsaglia, Tsang &amp; Wang 2003).
    /// </summary>
    private static double Durbin(int n, double d)
    {
        if (d >= 1.0) return 1.0;
        var nd = n * d;
        if (nd <= 0.5) return 0.0;
        var k = (int)Math.Ceiling(nd);
        var h = k - nd;
        var m = 2 * k - 1;

        var v = new double[m];
        var w = new double[m];
        var fac = 1.0;
        for (var j = 1; j <= m; j++)
        {
            w[j - 1] = fac;
            fac /= j;
            v[j - 1] = (1.0 - Math.Pow(h, j)) * fac;
        }

        var tt = Math.Pow(Math.Max(2 * h - 1.0, 0), m) - 2 * Math.Pow(h, m);
        v[m - 1] = (1.0 + tt) * fac;

        var hm = new double[m, m];
        for (var i = 1; i < m; i++)
        {
            for (var r = 0; r <= m - i; r++) hm[i - 1 + r, i] = w[r];
        }

        for (var r = 0; r < m; r++) hm[r, 0] = v[r];
        for (var c = 0; c < m; c++) hm[m - 1, c] = v[m - 1 - c];

        var power = new double[m, m];
        for (var i = 0; i < m; i++) power[i, i] = 1.0;
        var scratch = new double[m, m];
        var nn = n;
        var exponent = 0;
        var hExponent = 0;
        while (nn > 0)
        {
            if (nn % 2 == 1)
            {
                Multiply(power, hm, scratch, m);
                (power, scratch) = (scratch, power);
                exponent += hExponent;
            }

            Multiply(hm, hm, scratch, m);
            (hm, scratch) = (scratch, hm);
            hExponent *= 2;
            if (Math.Abs(hm[k - 1, k - 1]) > Ep128)
            {
                for (var i = 0; i < m; i++)
                for (var j = 0; j < m; j++) hm[i, j] /= Ep128;
                hExponent += Exponent128;
            }

            nn /= 2;
        }

        var p = power[k - 1, k - 1];
        for (var i = 1; i <= n; i++)
        {
            p = i * p / n;
            if (Math.Abs(p) < Em128)
            {
                p *= Ep128;
                exponent -= Exponent128;
            }
        }

        return exponent != 0 ? Math.ScaleB(p, exponent) : p;
    }

    private static void Multiply(double[,] a, double[,] b, double[,] result, int m)
    {
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < m; j++) result[i, j] = 0.0;
            for (var l = 0; l < m; l++)
            {
                var ail = a[i, l];
                if (ail == 0.0) continue;
                for (var j = 0; j < m; j++) result[i, j] += ail * b[l, j];
            }
        }
    }

    /// <summary>The column range of row i in Pomeranz's recursion.</summary>
    private static (int J1, int J2) PomeranzRange(int i, int n, int ll, int ceilf, int roundf)
    {
        int j1, j2;
        if (i == 0)
        {
            j1 = -ll - ceilf - 1;
            j2 = ll + ceilf - 1;
        }
        else
        {
            var half = (i + 1) / 2;
            if ((i + 1) % 2 == 0)
            {
                if (half == n + 1)
                {
                    j1 = n - ll - ceilf - 1;
                    j2 = n + ll + ceilf - 1;
                }
                else
                {
                    j1 = half - 1 - ll - roundf - 1;
                    j2 = half + ll - 1 + ceilf - 1;
                }
            }
            else
            {
                j1 = half - 1 - ll - 1;
                j2 = half + ll + roundf - 1;
            }
        }

        return (Math.Max(j1 + 2, 0), Math.Min(j2, n));
    }

    /// <summary>
    /// P(D_n ≤ x) by Pomeranz's (1974) recursion: each row is the previous one convolved with (nearly) Poisson weights;
    /// only two rows and their non-zero stretch are kept, rescaled by 2^128 against underflow.
    /// </summary>
    private static double Pomeranz(int n, double x)
    {
        var t = n * x;
        var ll = (int)Math.Floor(t);
        var f = t - ll;
        var g = Math.Min(f, 1.0 - f);
        var ceilf = f > 0 ? 1 : 0;
        var roundf = f > 0.5 ? 1 : 0;
        var npwrs = 2 * (ll + 1);
        var gpower = new double[npwrs];
        var twogpower = new double[npwrs];
        var onem2gpower = new double[npwrs];
        gpower[0] = twogpower[0] = onem2gpower[0] = 1.0;
        var exponent = 0;
        double gOverN = g / n, twoGOverN = 2 * g / n, oneMinusTwoGOverN = (1 - 2 * g) / n;
        for (var m = 1; m < npwrs; m++)
        {
            gpower[m] = gpower[m - 1] * gOverN / m;
            twogpower[m] = twogpower[m - 1] * twoGOverN / m;
            onem2gpower[m] = onem2gpower[m - 1] * oneMinusTwoGOverN / m;
        }

        var v0 = new double[npwrs];
        var v1 = new double[npwrs];
        v1[0] = 1;
        int v0s = 0, v1s = 0;
        var (j1, _) = PomeranzRange(0, n, ll, ceilf, roundf);
        for (var i = 1; i < 2 * n + 2; i++)
        {
            var k1 = j1;
            (v0, v1) = (v1, v0);
            (v0s, v1s) = (v1s, v0s);
            Array.Clear(v1);
            (j1, var j2) = PomeranzRange(i, n, ll, ceilf, roundf);
            var pwrs = i == 1 || i == 2 * n + 1 ? gpower : i % 2 == 1 ? twogpower : onem2gpower;
            var ln2 = j2 - k1 + 1;
            if (ln2 <= 0) continue;

            // Entries [convStart, convStart + convLen) of the full convolution of V0[k1 - V0s ..][..ln2] with pwrs[..ln2].
            var start = k1 - v0s;
            var available = Math.Max(0, Math.Min(ln2, npwrs - start));
            var convStart = j1 - k1;
            var convLen = j2 - j1 + 1;
            var max = 0.0;
            for (var c = 0; c < convLen; c++)
            {
                var index = convStart + c;
                var sum = 0.0;
                var lo = Math.Max(0, index - (ln2 - 1));
                var hi = Math.Min(index, available - 1);
                for (var a = lo; a <= hi; a++) sum += v0[start + a] * pwrs[index - a];
                v1[c] = sum;
                if (sum > max) max = sum;
            }

            if (max > 0 && max < Em128)
            {
                for (var c = 0; c < npwrs; c++) v1[c] *= Ep128;
                exponent -= Exponent128;
            }

            v1s = v0s + j1 - k1;
        }

        // Multiply by n!.
        var ans = v1[n - v1s];
        for (var m = 1; m <= n; m++)
        {
            if (Math.Abs(ans) > Ep128)
            {
                ans *= Em128;
                exponent += Exponent128;
            }

            ans *= m;
        }

        return exponent != 0 ? Math.ScaleB(ans, exponent) : ans;
    }

    /// <summary>
    /// Pelz &amp; Good's (1976) approximation to P(D_n ≤ x): the Li-Chien/Korolyuk expansion K0 + K1/√n + K2/n + K3/n^1.5,
    /// with each term transformed by Jacobi's theta identity into a series that converges fast for small z = x√n.
    /// </summary>
    private static double PelzGood(int n, double x)
    {
        if (x <= 0.0) return 0.0;
        if (x >= 1.0) return 1.0;

        var z = Math.Sqrt(n) * x;
        double z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2;
        var qlog = -PiSquared / 8 / z2;
        if (qlog < MinLog) return 0.0;
        var q = Math.Exp(qlog);

        var k1a = -z2;
        var k1b = PiSquared / 4;
        var k2a = 6 * z6 + 2 * z4;
        var k2b = (2 * z4 - 5 * z2) * PiSquared / 4;
        var k2c = PiFour * (1 - 2 * z2) / 16;
        var k3d = PiSix * (5 - 30 * z2) / 64;
        var k3c = PiFour * (-60 * z2 + 212 * z4) / 16;
        var k3b = PiSquared * (135 * z4 - 96 * z6) / 4;
        var k3a = -30 * z6 - 90 * Math.Pow(z, 8);

        // Horner scheme over odd integers for Σ c_i q^(i²).
        double k0 = 0, k1 = 0, k2 = 0, k3 = 0;
        var maxk = (int)Math.Ceiling(16 * z / Math.PI);
        for (var k = maxk; k > 0; k--)
        {
            double m = 2 * k - 1;
            double m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
            var qpower = Math.Pow(q, 8 * k);
            k0 = k0 * qpower + 1.0;
            k1 = k1 * qpower + (k1a + k1b * m2);
            k2 = k2 * qpower + (k2a + k2b * m2 + k2c * m4);
            k3 = k3 * qpower + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
        }

        k0 = k0 * q * Sqrt2Pi / z;
        k1 = k1 * q * Sqrt2Pi / (6 * z4);
        k2 = k2 * q * Sqrt2Pi / (72 * Math.Pow(z, 7));
        k3 = k3 * q * Sqrt2Pi / (6480 * Math.Pow(z, 10));

        // The remaining sums over all integers k; little cancellation, so summed directly.
        var q2 = Math.Exp(-PiSquared / 2 / z2);
        var sqrt3z = Sqrt3 * z;
        double k2Extra = 0, k3Extra = 0;
        for (var k = maxk; k > 0; k--)
        {
            double ks2 = (double)k * k;
            var qp = Math.Pow(q2, ks2);
            var kspi = Math.PI * k;
            k2Extra += ks2 * qp;
            k3Extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ks2 * qp;
        }

        k2 += k2Extra * (PiSquared * Sqrt2Pi / (-36 * z3));
        k3 += k3Extra * (PiSquared * Sqrt2Pi / (216 * z6));

        var sqrtN = Math.Sqrt((double)n);
        return k0 + k1 / sqrtN + k2 / n + k3 / (n * sqrtN);
    }
}
