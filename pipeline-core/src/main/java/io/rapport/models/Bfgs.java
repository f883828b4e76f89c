package io.rapport.models;

import java.util.Arrays;

/**
 * Unconstrained quasi-Newton minimisation (BFGS, inverse-Hessian update) with a backtracking
 * Armijo line search. Small dense problems only (a handful of parameters); the objective is
 * evaluated together with its analytic gradient.
 */
public final class Bfgs {
  private Bfgs() {}

  /** An objective with gradient: returns f(x) and writes the gradient into {@code gradient}. */
  @FunctionalInterface
  public interface Objective {
    double valueAndGradient(double[] x, double[] gradient);
  }

  /** Stopping rules: infinity norm of the gradient, max iterations, largest step per iteration. */
  public record Options(double gradientTolerance, int maxIterations, double maxStep) {
    public static Options defaults() {
      return new Options(1e-7, 500, 5.0);
    }
  }

  /** Where the optimiser stopped. */
  public record Result(double[] x, double value, double[] gradient, int iterations, boolean converged, String message) {}

  public static Result minimize(Objective f, double[] start, Options options) {
    int n = start.length;
    double[] x = start.clone();
    double[] g = new double[n];
    double fx = f.valueAndGradient(x, g);
    if (!Double.isFinite(fx) || !allFinite(g)) {
      return new Result(x, fx, g, 0, false, "objective is not finite at the starting point");
    }
    double[][] h = identity(n);
    double[] xNew = new double[n];
    double[] gNew = new double[n];
    boolean resetOnce = false;
    for (int iter = 1; iter <= options.maxIterations(); iter++) {
      if (normInf(g) < options.gradientTolerance()) {
        return new Result(x, fx, g, iter - 1, true, "gradient below tolerance");
      }
      double[] d = new double[n];
      for (int i = 0; i < n; i++) {
        double s = 0;
        for (int j = 0; j < n; j++) {
          s -= h[i][j] * g[j];
        }
        d[i] = s;
      }
      double slope = dot(g, d);
      if (!(slope < 0)) {
        // Not a descent direction (numerical loss of positive definiteness): restart from steepest descent.
        h = identity(n);
        for (int i = 0; i < n; i++) {
          d[i] = -g[i];
        }
        slope = dot(g, d);
      }
      // Cap the step so exp(log-parameter) cannot overflow on the first trial.
      double step = Math.min(1.0, options.maxStep() / Math.max(normInf(d), 1e-300));
      double fNew = Double.NaN;
      boolean accepted = false;
      for (int k = 0; k < 60; k++) {
        for (int i = 0; i < n; i++) {
          xNew[i] = x[i] + step * d[i];
        }
        fNew = f.valueAndGradient(xNew, gNew);
        if (Double.isFinite(fNew) && allFinite(gNew) && fNew <= fx + 1e-4 * step * slope) {
          accepted = true;
          break;
        }
        step *= 0.5;
      }
      if (!accepted) {
        if (!resetOnce) {
          resetOnce = true;
          h = identity(n);
          continue;
        }
        return new Result(x, fx, g, iter, normInf(g) < 1e3 * options.gradientTolerance(),
            "line search found no decrease (gradient norm " + normInf(g) + ")");
      }
      double[] s = new double[n];
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        s[i] = xNew[i] - x[i];
        y[i] = gNew[i] - g[i];
      }
      double sy = dot(s, y);
      if (iter == 1 && sy > 0) {
        // Scale the initial inverse Hessian to the curvature seen (Nocedal & Wright 6.20).
        double scale = sy / dot(y, y);
        h = identity(n);
        for (int i = 0; i < n; i++) {
          h[i][i] = scale;
        }
      }
      if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
        updateInverseHessian(h, s, y, sy);
      }
      double fOld = fx;
      System.arraycopy(xNew, 0, x, 0, n);
      System.arraycopy(gNew, 0, g, 0, n);
      fx = fNew;
      if (Math.abs(fOld - fx) <= 1e-15 * Math.max(1.0, Math.abs(fx)) && normInf(g) < 1e3 * options.gradientTolerance()) {
        return new Result(x, fx, g, iter, true, "no further decrease");
      }
    }
    return new Result(x, fx, g, options.maxIterations(), normInf(g) < options.gradientTolerance(),
        "iteration limit " + options.maxIterations() + " reached (gradient norm " + normInf(g) + ")");
  }

  private static void updateInverseHessian(double[][] h, double[] s, double[] y, double sy) {
    int n = s.length;
    double rho = 1.0 / sy;
    double[] hy = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        hy[i] += h[i][j] * y[j];
      }
    }
    double yhy = dot(y, hy);
    // H+ = H - rho (H y s' + s y' H) + (rho^2 y'Hy + rho) s s'
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        h[i][j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
      }
    }
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  static double normInf(double[] a) {
    double m = 0;
    for (double v : a) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  private static boolean allFinite(double[] a) {
    return Arrays.stream(a).allMatch(Double::isFinite);
  }

  private static double[][] identity(int n) {
    double[][] m = new double[n][n];
    for (int i = 0; i < n; i++) {
      m[i][i] = 1;
    }
    return m;
  }
}
