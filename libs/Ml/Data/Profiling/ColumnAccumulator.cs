namespace Platform.Ml.Data.Profiling;

/// <summary>
/// Everything <see cref="ProfileBuilder"/> keeps about one column, all of bounded size. Reading a CSV, the kind is
/// known only at the end, so the numeric state and the categorical state are both fed until a value rules one out;
/// the numeric state is then dropped.
/// </summary>
internal sealed class ColumnAccumulator
{
    private readonly ColumnKind? _fixedKind;
    private KindInference _inference;
    private NumericState? _numeric;
    private readonly FrequentItems? _categories;
    private readonly DistinctCounter? _distinctCategories;
    private long _count;
    private long _missing;
    private long _true;
    private long _false;

    /// <summary>Inferred column only: the categorical state is not fed while every value so far is a number.</summary>
    private readonly bool _deferCategories;
    private long _deferredNumbers;

    /// <param name="fixedKind">The kind when already known (a table's column, a forced categorical); null to infer it.</param>
    /// <param name="deferCategories">See <see cref="ProfileBuilder.AddNumberValue"/>: a numeric column then costs no category counting.</param>
    public ColumnAccumulator(ColumnKind? fixedKind, bool deferCategories = false)
    {
        _fixedKind = fixedKind;
        _deferCategories = deferCategories && fixedKind is null;
        if (fixedKind is null or ColumnKind.Numeric) _numeric = new NumericState();
        if (fixedKind is null or ColumnKind.Categorical)
        {
            _categories = new FrequentItems();
            _distinctCategories = new DistinctCounter();
        }
    }

    public int RetainedItems =>
        (_numeric?.RetainedItems ?? 0) + (_categories?.RetainedItems ?? 0) + (_distinctCategories?.RetainedItems ?? 0);

    /// <summary>A field as read from a CSV file.</summary>
    public void AddText(string raw)
    {
        if (CsvTableReader.IsMissing(raw)) { _missing++; return; }

        var text = raw.Trim();
        _count++;
        if (_fixedKind is null)
        {
            _inference.Add(text);
            if (_numeric is not null)
            {
                if (CsvTableReader.TryParseNumber(text, out var number)) _numeric.Add(number);
                else _numeric = null; // no longer numeric: free the sketch
            }

            if (CsvTableReader.TryParseBoolean(text, out var flag)) CountBoolean(flag);
        }

        _categories?.Add(text);
        _distinctCategories?.Add(Hashing.Of(text));
    }

    /// <summary>Whether <see cref="AddParsedNumber"/> needs the value's text (the categorical state is being fed).</summary>
    public bool NeedsText => _categories is not null && !(_deferCategories && _numeric is not null);

    /// <summary>
    /// True when the column's categories were not counted for some of its values (numbers seen while deferring) and it
    /// then turned out not to be numeric: its categorical profile is incomplete and the rows must be profiled again
    /// with the column's kind fixed.
    /// </summary>
    public bool LostCategories => _deferredNumbers > 0 && _numeric is null;

    public void AddMissing() => _missing++;

    /// <summary>A non-missing field already parsed as a number; <paramref name="trimmed"/> is required when <see cref="NeedsText"/>.</summary>
    public void AddParsedNumber(double value, string? trimmed)
    {
        _count++;
        if (_fixedKind is null) _inference.AddNumber();
        _numeric?.Add(value);
        if (_categories is null) return;
        if (_deferCategories && _numeric is not null)
        {
            _deferredNumbers++;
            return;
        }

        ArgumentNullException.ThrowIfNull(trimmed);
        _categories.Add(trimmed);
        _distinctCategories!.Add(Hashing.Of(trimmed));
    }

    /// <summary>A non-missing, trimmed field known not to parse as a number.</summary>
    public void AddNonNumber(string trimmed)
    {
        _count++;
        if (_fixedKind is null)
        {
            _inference.AddNonNumber(trimmed);
            _numeric = null;
            if (CsvTableReader.TryParseBoolean(trimmed, out var flag)) CountBoolean(flag);
        }

        _categories?.Add(trimmed);
        _distinctCategories?.Add(Hashing.Of(trimmed));
    }

    /// <summary>A value of a numeric column (NaN = missing).</summary>
    public void AddNumber(double value)
    {
        if (double.IsNaN(value)) { _missing++; return; }
        _count++;
        _numeric!.Add(value);
    }

    /// <summary>A value of a boolean column: 1, 0 or NaN (missing).</summary>
    public void AddBoolean(double value)
    {
        if (double.IsNaN(value)) { _missing++; return; }
        _count++;
        CountBoolean(value != 0);
    }

    /// <summary>A value of a categorical column (null = missing).</summary>
    public void AddCategory(string? value)
    {
        if (value is null) { _missing++; return; }
        _count++;
        _categories!.Add(value);
        _distinctCategories!.Add(Hashing.Of(value));
    }

    public ColumnProfile Build(string name, int topCount, int bins)
    {
        var kind = _fixedKind ?? _inference.Kind;
        var empty = new ColumnProfile(name, kind, _count, _missing, 0, 0, false,
            null, null, null, null, null, null, null, null, null);
        return kind switch
        {
            ColumnKind.Numeric => _numeric!.Complete(empty, bins),
            ColumnKind.Boolean => BooleanProfile(empty),
            _ => CategoricalProfile(empty, topCount),
        };
    }

    private void CountBoolean(bool flag)
    {
        if (flag) _true++;
        else _false++;
    }

    /// <summary>The moments of the 0/1 values, from the two counts; the two "categories" are true and false.</summary>
    private ColumnProfile BooleanProfile(ColumnProfile empty)
    {
        var n = _true + _false;
        if (n == 0) return empty;
        var mean = (double)_true / n;
        var top = new[] { new CategoryFrequency("true", _true, mean), new CategoryFrequency("false", _false, (double)_false / n) }
            .Where(c => c.Count > 0)
            .OrderByDescending(c => c.Count).ThenBy(c => c.Value, StringComparer.Ordinal)
            .ToArray();
        return empty with
        {
            Distinct = top.Length,
            Mean = mean,
            Std = n > 1 ? Math.Sqrt(mean * (1 - mean) * n / (n - 1)) : null,
            Min = _false > 0 ? 0 : 1,
            Max = _true > 0 ? 1 : 0,
            TopCategories = top,
            TopCategoriesAreExact = true,
        };
    }

    private ColumnProfile CategoricalProfile(ColumnProfile empty, int topCount) => empty with
    {
        Distinct = _distinctCategories!.Count,
        DistinctIsEstimate = _distinctCategories.IsEstimate,
        TopCategories = _categories!.Top(topCount)
            .Select(p => new CategoryFrequency(p.Key, p.Value, (double)p.Value / _count))
            .ToArray(),
        TopCategoriesAreExact = _categories.IsExact,
    };

    /// <summary>Welford's running mean and sum of squared deviations, exact min and max, a KLL sketch and a distinct counter.</summary>
    private sealed class NumericState
    {
        private readonly KllSketch _sketch = new();
        private readonly DistinctCounter _distinct = new();
        private long _nonFinite;
        private double _mean;
        private double _sumSquares;
        private double _min = double.PositiveInfinity;
        private double _max = double.NegativeInfinity;

        public int RetainedItems => _sketch.RetainedItems + _distinct.RetainedItems;

        public void Add(double value)
        {
            // Infinities would turn every statistic into infinity or NaN (and NaN is not valid JSON).
            if (double.IsInfinity(value)) { _nonFinite++; return; }

            var n = _sketch.Count + 1;
            var delta = value - _mean;
            _mean += delta / n;
            _sumSquares += delta * (value - _mean);
            if (value < _min) _min = value;
            if (value > _max) _max = value;
            _sketch.Add(value);
            _distinct.Add(Hashing.Of(value));
        }

        public ColumnProfile Complete(ColumnProfile empty, int bins)
        {
            var n = _sketch.Count;
            var profile = empty with { NonFinite = _nonFinite };
            if (n == 0) return profile;

            return profile with
            {
                Distinct = _distinct.Count,
                DistinctIsEstimate = _distinct.IsEstimate,
                Mean = _mean,
                Std = n > 1 ? Math.Sqrt(_sumSquares / (n - 1)) : null,
                Min = _min,
                Max = _max,
                Quantiles = QuantileSummary.From(_sketch.Quantiles(QuantileSummary.Probabilities)),
                QuantileRankError = _sketch.IsExact ? 0 : KllSketch.RankErrorBound,
                Histogram = BuildHistogram(bins),
            };
        }

        /// <summary>
        /// Each held value adds its weight to its bin. The range is only known at the end of the pass, which is why
        /// the bins are filled from the sketch: exact while the sketch is, otherwise each bin edge carries the
        /// sketch's rank error. A constant column gets a single bin.
        /// </summary>
        private Histogram BuildHistogram(int bins)
        {
            if (_min == _max) return new Histogram([_min, _max], [_sketch.Count]);

            var width = (_max - _min) / bins;
            var edges = new double[bins + 1];
            for (var i = 0; i <= bins; i++) edges[i] = _min + i * width;
            edges[bins] = _max;
            var counts = new long[bins];
            foreach (var (value, weight) in _sketch.SortedItems())
            {
                var bin = (int)((value - _min) / width);
                // Rounding can put a value just past its edge; the maximum belongs to the last bin.
                while (bin > 0 && value < edges[bin]) bin--;
                while (bin < bins - 1 && value >= edges[bin + 1]) bin++;
                counts[Math.Clamp(bin, 0, bins - 1)] += weight;
            }

            return new Histogram(edges, counts);
        }
    }
}
