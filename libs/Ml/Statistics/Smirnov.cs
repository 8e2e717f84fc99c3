namespace Platform.Ml.Statistics;

/// <summary>
/// The one-sided one-sample Kolmogorov statistic's tail P(D_n⁺ ≥ x) (SciPy's <c>scipy.special.smirnov</c>), by the
/// Smirnov / Birnbaum–Tingey sum x · Σ_{v=0}^{⌊n(1−x)⌋} C(n,v) (x + v/n)^(v−1) (1 − x − v/n)^(n−v).
/// </summary>
/// <remarks>
/// All terms are positive, so summing them (in logs, to stay in range) loses no accuracy to cancellation. SciPy sums the
/// same terms in double-double arithmetic; the difference is a few units in the 12th digit for n ≈ 10⁴. For tiny n·x²
/// (≤ 0.25) SciPy sums the complementary "upper" terms instead; the KS p-value never asks for that region, and the lower
/// sum still agrees there to 1e-9 on the reference grid.
/// </remarks>
internal static class Smirnov
{
    private const double CephesMinLog = -7.08396418532264106224E2;
    private const int MaxComputeN = 1_000_000;

    public static double Survival(int n, double x)
    {
        if (!(n > 0 && x >= 0.0 && x <= 1.0)) return double.NaN;
        if (n == 1) return 1 - x;
        if (x == 0.0) return 1.0;
        if (x == 1.0) return 0.0;

        var nx = n * x;
        var nxFloor = (int)Math.Floor(nx);
        var alphaIsZero = nx == nxFloor;

        if (nxFloor == 0 || (nxFloor == 1 && alphaIsZero))
        {
            // x ≤ 1/n: the CDF is x (1 + x)^(n−1).
            return Math.Clamp(1 - x * Math.Pow(1 + x, n - 1), 0.0, 1.0);
        }

        if (-2 * n * x * x < CephesMinLog) return 0.0;
        if (nxFloor >= n - 1) return Math.Pow(1 - x, n);
        if (n > MaxComputeN)
        {
            // Too many terms: SciPy's approximation p ≈ exp(−(6nx + 1)² / 18n).
            return Math.Exp(-Math.Pow(6.0 * n * x + 1, 2) / 18.0 / n);
        }

        // Terms v = 0 .. ⌊n(1−x)⌋; when n(1−x) is an integer the last term is 0^(n−v) = 0 and is left out.
        var last = (int)Math.Floor(n * (1 - x));
        if (n - last <= 0) last = n - 1;
        var logNFactorial = MathNet.Numerics.SpecialFunctions.FactorialLn(n);
        var sum = 0.0;
        for (var v = 0; v <= last; v++)
        {
            var upper = (double)(n - v) / n - x;   // 1 − x − v/n
            if (upper <= 0) break;
            var lower = (double)v / n + x;          // x + v/n
            var logTerm = logNFactorial
                          - MathNet.Numerics.SpecialFunctions.FactorialLn(v)
                          - MathNet.Numerics.SpecialFunctions.FactorialLn(n - v)
                          + (n - v) * Math.Log(upper)
                          + (v - 1) * Math.Log(lower);
            sum += Math.Exp(logTerm);
        }

        return Math.Clamp(x * sum, 0.0, 1.0);
    }
}
