namespace Platform.Ml.Statistics;

/// <summary>
/// The exact null distribution of the two-sample KS statistic by counting lattice paths (Hodges 1958), re-implemented
/// step for step after SciPy 1.10's <c>_attempt_exact_2kssamp</c> so that the p-values agree to rounding.
/// </summary>
internal static class KolmogorovSmirnovExact
{
    private const double MinNormal = 2.2250738585072014E-308;

    /// <summary>
    /// The exact p-value, or false when SciPy's exact computation would fail (overflow, or a result outside [0, 1]),
    /// in which case the caller falls back to the asymptotic distribution. <paramref name="roundedD"/> is D snapped to
    /// the lattice, h / lcm(n1, n2), which SciPy reports as the statistic on this path.
    /// </summary>
    public static bool TryPValue(int n1, int n2, double d, KsAlternative alternative, out double roundedD, out double pValue)
    {
        long g = Gcd(n1, n2);
        long lcm = n1 / g * n2;
        var h = (long)Math.Round(d * lcm);
        roundedD = h * 1.0 / lcm;
        pValue = double.NaN;
        if (h == 0)
        {
            pValue = 1.0;
            return true;
        }

        double prob;
        if (alternative == KsAlternative.TwoSided)
        {
            prob = n1 == n2 ? ProbOutsideSquare(n1, h) : OuterProbInside(n1, n2, g, h);
        }
        else if (n1 == n2)
        {
            // binom(2n, n - h) / binom(2n, n) as a product, which avoids the binomials' rounding.
            prob = 1.0;
            for (var j = 0; j < h; j++) prob *= (n1 - j) / (n1 + j + 1.0);
        }
        else
        {
            // SciPy gives up when binom(n1 + n2, n1) overflows; checking first skips a count that cannot be used.
            var total = Binomial(n1 + n2, n1);
            if (double.IsInfinity(total)) return false;
            var numPaths = CountPathsOutside(n1, n2, g, h);
            if (!double.IsFinite(numPaths) || numPaths > total) return false;
            prob = numPaths / total;
        }

        pValue = prob;
        return prob is >= 0.0 and <= 1.0;
    }

    /// <summary>P(D_{n,n} ≥ h/n) = 2 Σ (−1)^(k−1) binom(2n, n − kh) / binom(2n, n), evaluated Horner-style to avoid cancellation.</summary>
    private static double ProbOutsideSquare(long n, long h)
    {
        var p = 0.0;
        for (var k = n / h; k >= 0; k--)
        {
            var p1 = 1.0;
            for (long j = 0; j < h; j++) p1 = (n - k * h - j) * p1 / (n + k * h + j + 1);
            p = p1 * (1.0 - p);
        }

        return 2 * p;
    }

    /// <summary>
    /// The proportion of monotone lattice paths from (0,0) to (m,n) that leave the band |x/m − y/n| &lt; h/lcm, computed
    /// directly as 1 − (proportion inside) with Viehmann's (2021) recursion, one column at a time over a sliding window.
    /// </summary>
    private static double OuterProbInside(long m, long n, long g, long h)
    {
        if (m < n) (m, n) = (n, m);
        var mg = m / g;
        var ng = n / g;

        var minj = 0L;
        var maxj = Math.Min((long)Math.Ceiling(h / (double)mg), n + 1);
        var curlen = maxj - minj;
        var lenA = Math.Min(2 * maxj + 2, n + 1);
        var a = new double[lenA];
        Array.Fill(a, 1.0);
        for (var j = minj; j < maxj; j++) a[j] = 0.0;

        for (long i = 1; i <= m; i++)
        {
            var lastminj = minj;
            var lastlen = curlen;
            minj = Math.Max((long)Math.Floor((ng * i - h) / (double)mg) + 1, 0);
            minj = Math.Min(minj, n);
            maxj = Math.Min((long)Math.Ceiling((ng * i + h) / (double)mg), n + 1);
            if (maxj <= minj) return 1.0;

            var val = minj == 0 ? 0.0 : 1.0;
            for (long jj = 0; jj < maxj - minj; jj++)
            {
                var j = jj + minj;
                val = (a[jj + minj - lastminj] * i + val * j) / (i + j);
                // Subnormal values make every later operation on them ~100x slower (seconds for strongly drifted columns).
                // Each cell is a weighted average of earlier cells, so flushing them to 0 moves the result by less than
                // 1e-307 in absolute terms: invisible for any p-value that is representable with full precision.
                if (val < MinNormal) val = 0.0;
                a[jj] = val;
            }

            curlen = maxj - minj;
            if (lastlen > curlen)
            {
                // Cells that slid out of the band on the left count as "already outside".
                var end = Math.Min(maxj - minj + (lastlen - curlen), lenA);
                for (var k = maxj - minj; k < end; k++) a[k] = 1.0;
            }
        }

        return a[maxj - minj - 1];
    }

    /// <summary>
    /// The number of lattice paths from (0,0) to (m,n) that reach m·y ≤ n·x − h·g somewhere (one-sided), following Hodges'
    /// treatment as SciPy does. Returns a non-finite value when the count overflows a double (the caller then falls back).
    /// </summary>
    private static double CountPathsOutside(long m, long n, long g, long h)
    {
        if (m < n) (m, n) = (n, m);
        var mg = m / g;
        var ng = n / g;

        // Only the x where n·x/m + ng·h crosses an integer need checking.
        var lxj = n + FloorDiv(mg - h, mg);
        if (lxj <= 0) return Binomial(m + n, n);
        var xj = new long[lxj];
        for (long j = 0; j < lxj; j++) xj[j] = (h + mg * j + ng - 1) / ng;

        // b[j] = number of paths from (0,0) to (xj[j], j) that do not reach the boundary before.
        var b = new double[lxj];
        b[0] = 1;
        for (long j = 1; j < lxj; j++)
        {
            var bj = Binomial(xj[j] + j, j);
            for (long i = 0; i < j; i++) bj -= Binomial(xj[j] - xj[i] + j - i, j - i) * b[i];
            if (!double.IsFinite(bj)) return double.NaN;
            b[j] = bj;
        }

        var numPaths = 0.0;
        for (long j = 0; j < lxj; j++) numPaths += b[j] * Binomial(m - xj[j] + (n - j), n - j);
        return numPaths;
    }

    /// <summary>
    /// binom(n, k) the way <c>scipy.special.binom</c> computes it for integers: the product formula when the smaller k is
    /// below 20 (exact for results below 2^53), otherwise through the beta function. An overflowing result is +∞.
    /// </summary>
    internal static double Binomial(long n, long k)
    {
        if (k < 0 || k > n) return 0.0;
        if (k > n / 2.0) k = n - k;
        if (k < 20)
        {
            double num = 1.0, den = 1.0;
            for (long i = 1; i <= k; i++)
            {
                num *= i + n - k;
                den *= i;
                if (Math.Abs(num) > 1e50)
                {
                    num /= den;
                    den = 1.0;
                }
            }

            return num / den;
        }

        // 1 / ((n + 1) B(n − k + 1, k + 1)) = n! / (k! (n − k)!), in logs so that large n neither overflows nor loses digits early.
        var log = MathNet.Numerics.SpecialFunctions.GammaLn(n + 1.0)
                  - MathNet.Numerics.SpecialFunctions.GammaLn(k + 1.0)
                  - MathNet.Numerics.SpecialFunctions.GammaLn(n - k + 1.0);
        return Math.Exp(log);
    }

    private static long FloorDiv(long a, long b) => a / b - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0);

    private static long Gcd(long a, long b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }
}
