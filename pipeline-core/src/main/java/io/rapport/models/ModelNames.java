package io.rapport.models;

/**
 * Names of the purchase-count models in {@code clv_model.model} and in {@code clv.model}, beside
 * {@link ModelFit#BG_NBD} and {@link ModelFit#GAMMA_GAMMA}.
 */
public final class ModelNames {
  private ModelNames() {}

  /** Pareto/NBD (Schmittlein, Morrison &amp; Colombo 1987). */
  public static final String PARETO_NBD = "pareto_nbd";
  /** MBG/NBD (Batislam, Denizel &amp; Filiztekin 2007). */
  public static final String MBG_NBD = "mbg_nbd";
}
