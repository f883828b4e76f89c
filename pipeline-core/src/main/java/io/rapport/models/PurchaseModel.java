package io.rapport.models;

import java.io.Serializable;
import java.util.Optional;

/**
 * A fitted purchase-count model (BG/NBD, Pareto/NBD, MBG/NBD): the per-customer quantities
 * {@code customer_clv}, {@code customer_churn.p_alive} and the holdout check need, whichever model
 * was selected. Implementations are parameter records, serializable for Spark closures.
 */
public interface PurchaseModel extends Serializable {

  /** P(alive at T | x, t_x, T). */
  double probabilityAlive(double x, double tx, double age);

  /** E[X(t) | x, t_x, T]: expected repeat purchases in the next t time units. */
  double conditionalExpectedPurchases(double t, double x, double tx, double age);

  /**
   * E[X(t) | x, T, alive at T]; {@code conditionalExpectedPurchases = expectedPurchasesIfAlive x
   * probabilityAlive} up to rounding, so a caller predicting several horizons computes P(alive) once.
   */
  double expectedPurchasesIfAlive(double t, double x, double age);

  /** The parameters of a converged purchase-model fit; empty for Gamma-Gamma or an unconverged fit. */
  static Optional<PurchaseModel> from(ModelFit fit) {
    if (fit == null) {
      return Optional.empty();
    }
    return switch (fit.model()) {
      case ModelFit.BG_NBD -> BgNbdParameters.from(fit).map(p -> p);
      case ModelNames.PARETO_NBD -> ParetoNbdParameters.from(fit).map(p -> p);
      case ModelNames.MBG_NBD -> MbgNbdParameters.from(fit).map(p -> p);
      default -> Optional.empty();
    };
  }

  /**
   * The model of the given name with the given parameters, in the model's canonical order (as in
   * {@code clv_model.parameters}): how parameter draws become models.
   */
  static PurchaseModel of(String model, double[] p) {
    return switch (model) {
      case ModelFit.BG_NBD -> new BgNbdParameters(p[0], p[1], p[2], p[3]);
      case ModelNames.PARETO_NBD -> new ParetoNbdParameters(p[0], p[1], p[2], p[3]);
      case ModelNames.MBG_NBD -> new MbgNbdParameters(p[0], p[1], p[2], p[3]);
      default -> throw new IllegalArgumentException("Not a purchase model: " + model);
    };
  }
}
