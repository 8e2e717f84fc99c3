namespace Platform.Ml.Models.Training;

/// <summary>The penalties a ridge fit solves for, weakest first: one fit serves them all.</summary>
internal sealed record RidgeSettings(IReadOnlyList<double> Alphas);

/// <summary>
/// A fitted ridge regression on the pipeline's feature vector: prediction = Σ_f x[f]·Weights[f] + Bias. The
/// weights are the exact optimum in double; the ONNX graph carries them as float32.
/// </summary>
internal sealed record RidgeModel(double Alpha, double[] Weights, double Bias)
{
    public double Predict(ReadOnlySpan<float> x)
    {
        var sum = Bias;
        for (var f = 0; f < Weights.Length; f++) sum += x[f] * Weights[f];
        return sum;
    }
}

/// <summary>
/// Ridge regression in closed form, as scikit-learn's <c>Ridge</c>: minimises ‖y − Xw − b‖² + α‖w‖² with the intercept
/// b unpenalised. The pipeline hands it numeric columns already standardised (centred, divided by their standard
/// deviation, exactly like <c>StandardScaler</c>) and one-hot slots as 0/1, as scikit-learn's benchmark pipeline does;
/// centring every column here takes the intercept out of the penalty (b = mean(y) − Σ mean(x_f)·w_f). The Gram matrix
/// XᵀX of the centred columns is built once; each α is then one Cholesky solve of (XᵀX + αI) w = Xᵀy, p × p, so the
/// whole α path (<see cref="DefaultAlphas"/>, RidgeCV's grid) costs about one fit, and cross-validation scores every α
/// of one fit per fold as stages of a single candidate, as boosting rounds are.
/// </summary>
internal static class Ridge
{
    /// <summary>13 penalties, 10⁻³ … 10³ evenly spaced in log: <c>np.logspace(-3, 3, 13)</c>, the benchmark's RidgeCV grid.</summary>
    public static readonly IReadOnlyList<double> DefaultAlphas = Enumerable.Range(0, 13).Select(i => Math.Pow(10, -3 + 0.5 * i)).ToArray();

    /// <param name="x">Row-major features, <paramref name="rows"/> × <paramref name="features"/>, no NaN (imputed).</param>
    /// <param name="y">The target of each row.</param>
    /// <returns>One model per α, in <paramref name="alphas"/> order.</returns>
    public static IReadOnlyList<RidgeModel> Fit(float[] x, int rows, int features, double[] y, IReadOnlyList<double> alphas,
        CancellationToken cancellationToken)
    {
        if (x.Length != rows * features || y.Length != rows) throw new ArgumentException("Features and targets disagree in length.");
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        if (alphas.Any(a => !(a > 0))) throw new ArgumentOutOfRangeException(nameof(alphas), "Every α must be positive.");

        var means = new double[features];
        for (var row = 0; row < rows; row++)
            for (var f = 0; f < features; f++) means[f] += x[row * features + f];
        for (var f = 0; f < features; f++) means[f] /= rows;
        var yMean = y.Average();

        // Lower triangle of XᵀX and Xᵀy on the centred columns, accumulated in double.
        var gram = new double[features * features];
        var xty = new double[features];
        var centred = new double[features];
        for (var row = 0; row < rows; row++)
        {
            for (var f = 0; f < features; f++) centred[f] = x[row * features + f] - means[f];
            var target = y[row] - yMean;
            for (var j = 0; j < features; j++)
            {
                var cj = centred[j];
                if (cj == 0) continue;
                xty[j] += cj * target;
                for (var k = 0; k <= j; k++) gram[j * features + k] += cj * centred[k];
            }
        }

        var models = new RidgeModel[alphas.Count];
        var factor = new double[features * features];
        for (var a = 0; a < alphas.Count; a++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Array.Copy(gram, factor, gram.Length);
            for (var f = 0; f < features; f++) factor[f * features + f] += alphas[a];
            var weights = Solve(factor, features, xty);
            var bias = yMean;
            for (var f = 0; f < features; f++) bias -= weights[f] * means[f];
            models[a] = new RidgeModel(alphas[a], weights, bias);
        }

        return models;
    }

    /// <summary>Solves A w = b for symmetric positive definite A (lower triangle given, overwritten by its Cholesky factor).</summary>
    private static double[] Solve(double[] a, int n, double[] b)
    {
        for (var j = 0; j < n; j++)
        {
            var diagonal = a[j * n + j];
            for (var k = 0; k < j; k++) diagonal -= a[j * n + k] * a[j * n + k];
            // XᵀX is positive semi-definite and α > 0, so this holds unless the data overflow double.
            if (!(diagonal > 0)) throw new InvalidOperationException("The ridge system is not positive definite (non-finite features?).");
            var pivot = Math.Sqrt(diagonal);
            a[j * n + j] = pivot;
            for (var i = j + 1; i < n; i++)
            {
                var sum = a[i * n + j];
                for (var k = 0; k < j; k++) sum -= a[i * n + k] * a[j * n + k];
                a[i * n + j] = sum / pivot;
            }
        }

        // L z = b, then Lᵀ w = z.
        var w = (double[])b.Clone();
        for (var i = 0; i < n; i++)
        {
            for (var k = 0; k < i; k++) w[i] -= a[i * n + k] * w[k];
            w[i] /= a[i * n + i];
        }

        for (var i = n - 1; i >= 0; i--)
        {
            for (var k = i + 1; k < n; k++) w[i] -= a[k * n + i] * w[k];
            w[i] /= a[i * n + i];
        }

        return w;
    }
}
