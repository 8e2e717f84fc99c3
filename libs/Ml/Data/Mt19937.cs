namespace Platform.Ml.Data;

/// <summary>
/// The Mersenne Twister MT19937 (Matsumoto and Nishimura, 1998), seeded with <c>init_genrand</c>.
/// It exists so that splits reproduce NumPy's legacy <c>RandomState(seed)</c> bit for bit: the random
/// numbers of .NET's <see cref="Random"/> are a different sequence.
/// </summary>
internal sealed class Mt19937
{
    private const int N = 624;
    private const int M = 397;
    private const uint MatrixA = 0x9908b0dfu;
    private const uint UpperMask = 0x80000000u;
    private const uint LowerMask = 0x7fffffffu;

    private readonly uint[] _state = new uint[N];
    private int _index;

    public Mt19937(uint seed)
    {
        _state[0] = seed;
        for (var i = 1; i < N; i++)
            _state[i] = unchecked(1812433253u * (_state[i - 1] ^ (_state[i - 1] >> 30)) + (uint)i);
        _index = N;
    }

    public uint NextUInt32()
    {
        if (_index >= N) Twist();
        var y = _state[_index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary>
    /// A uniform integer in [0, max] by NumPy's legacy rule (<c>random_interval</c>): mask the 32-bit output
    /// with the smallest all-ones value covering <paramref name="max"/> and reject values above it.
    /// </summary>
    public uint NextInterval(uint max)
    {
        if (max == 0) return 0;
        var mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        uint value;
        while ((value = NextUInt32() & mask) > max) { }
        return value;
    }

    /// <summary>NumPy's legacy <c>RandomState.permutation(n)</c>: a Fisher–Yates shuffle of 0..n-1 from the end.</summary>
    public int[] Permutation(int n)
    {
        var items = new int[n];
        for (var i = 0; i < n; i++) items[i] = i;
        for (var i = n - 1; i > 0; i--)
        {
            var j = (int)NextInterval((uint)i);
            (items[i], items[j]) = (items[j], items[i]);
        }

        return items;
    }

    private void Twist()
    {
        int k;
        for (k = 0; k < N - M; k++) _state[k] = _state[k + M] ^ Mix(_state[k], _state[k + 1]);
        for (; k < N - 1; k++) _state[k] = _state[k + (M - N)] ^ Mix(_state[k], _state[k + 1]);
        _state[N - 1] = _state[M - 1] ^ Mix(_state[N - 1], _state[0]);
        _index = 0;
    }

    private static uint Mix(uint current, uint next)
    {
        var y = (current & UpperMask) | (next & LowerMask);
        return (y >> 1) ^ ((y & 1) == 0 ? 0 : MatrixA);
    }
}
