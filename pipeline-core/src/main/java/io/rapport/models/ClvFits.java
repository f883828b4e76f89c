package io.rapport.models;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The CLV model fits of one run: the purchase-count models fitted on the full period (one for
 * {@code clv.model: bg_nbd | pareto_nbd | mbg_nbd}, all three for {@code auto}), the one selected
 * for the per-customer columns and why, Gamma-Gamma for spend, and the backtest that drove the
 * selection (null when none was run).
 *
 * @param purchaseFits full-period purchase-model fits, in the order bg_nbd, pareto_nbd, mbg_nbd
 * @param selectedModel the name of the fit behind customer_clv and customer_churn.p_alive
 * @param selectionReason one sentence: configured, or the holdout errors that decided
 * @param gammaGamma the spend model
 * @param frequencyMonetaryCorrelation Pearson correlation of frequency and monetary_value over the
 *     Gamma-Gamma customers (null when fewer than two, or either has no spread)
 * @param backtest the calibration fits and the clv_holdout rows; null when not run
 */
public record ClvFits(
    List<ModelFit> purchaseFits,
    String selectedModel,
    String selectionReason,
    ModelFit gammaGamma,
    Double frequencyMonetaryCorrelation,
    Backtest backtest) implements Serializable {

  public ClvFits {
    purchaseFits = List.copyOf(purchaseFits);
    if (purchaseFits.stream().noneMatch(f -> f.model().equals(selectedModel))) {
      throw new IllegalArgumentException("The selected model " + selectedModel + " is not among the fits");
    }
  }

  /** One configured purchase model and Gamma-Gamma, without backtest (tests, timing). */
  public ClvFits(ModelFit purchase, ModelFit gammaGamma) {
    this(List.of(purchase), purchase.model(), "configured (clv.model = " + purchase.model() + ")", gammaGamma, null, null);
  }

  /** The selected full-period purchase-model fit. */
  public ModelFit selected() {
    return fit(selectedModel).orElseThrow();
  }

  /** The full-period fit of the named purchase model, if it was fitted. */
  public Optional<ModelFit> fit(String model) {
    return purchaseFits.stream().filter(f -> f.model().equals(model)).findFirst();
  }

  /** The selected purchase model's parameters when that fit converged. */
  public Optional<PurchaseModel> purchaseModel() {
    return PurchaseModel.from(selected());
  }

  /** The full-period BG/NBD fit; fails when BG/NBD was not among the models fitted. */
  public ModelFit bgNbd() {
    return fit(ModelFit.BG_NBD).orElseThrow(() -> new IllegalStateException("BG/NBD was not fitted (clv.model = " + selectedModel + ")"));
  }

  /** BG/NBD parameters when BG/NBD was fitted and converged. */
  public Optional<BgNbdParameters> bgNbdParameters() {
    return fit(ModelFit.BG_NBD).flatMap(BgNbdParameters::from);
  }

  /** Gamma-Gamma parameters when that fit converged. */
  public Optional<GammaGammaParameters> gammaGammaParameters() {
    return GammaGammaParameters.from(gammaGamma);
  }

  /** Every full-period fit, purchase models first (the rows of {@code clv_model}). */
  public List<ModelFit> asList() {
    List<ModelFit> all = new ArrayList<>(purchaseFits);
    all.add(gammaGamma);
    return List.copyOf(all);
  }
}
