using System.Numerics;

namespace Platform.Ml.Data.Profiling;

/// <summary>
/// Counts distinct values exactly (as a set of 64-bit hashes) up to <see cref="ExactLimit"/>, then switches to a
/// HyperLogLog (Flajolet et al., 2007) with 2^12 registers: a standard error of about 1.04/sqrt(4096) = 1.6%.
/// </summary>
internal sealed class DistinctCounter
{
    public const int ExactLimit = 4096;
    private const int Precision = 12;
    private const int RegisterCount = 1 << Precision;

    private HashSet<ulong>? _exact = new();
    private byte[]? _registers;

    /// <summary>True once the count is a HyperLogLog estimate rather than exact.</summary>
    public bool IsEstimate => _registers is not null;

    /// <summary>Hashes or registers held: the structural size, never above <see cref="ExactLimit"/> + 1.</summary>
    public int RetainedItems => _exact?.Count ?? RegisterCount;

    public void Add(ulong hash)
    {
        if (_exact is not null)
        {
            _exact.Add(hash);
            if (_exact.Count <= ExactLimit) return;

            _registers = new byte[RegisterCount];
            foreach (var seen in _exact) AddToRegisters(seen);
            _exact = null;
            return;
        }

        AddToRegisters(hash);
    }

    public long Count => _exact?.Count ?? Estimate();

    private void AddToRegisters(ulong hash)
    {
        var index = (int)(hash >> (64 - Precision));
        // Position of the first 1 bit in the remaining bits (1-based); all-zero remaining bits give the maximum.
        var rest = hash << Precision;
        var rank = (byte)(rest == 0 ? 64 - Precision + 1 : BitOperations.LeadingZeroCount(rest) + 1);
        if (rank > _registers![index]) _registers[index] = rank;
    }

    private long Estimate()
    {
        double sum = 0;
        var zeros = 0;
        foreach (var register in _registers!)
        {
            sum += Math.ScaleB(1.0, -register);
            if (register == 0) zeros++;
        }

        const double m = RegisterCount;
        var alpha = 0.7213 / (1 + 1.079 / m);
        var estimate = alpha * m * m / sum;
        // Small cardinalities: linear counting on the empty registers is the more accurate estimate.
        if (estimate <= 2.5 * m && zeros > 0) estimate = m * Math.Log(m / zeros);
        return (long)Math.Round(estimate);
    }
}
