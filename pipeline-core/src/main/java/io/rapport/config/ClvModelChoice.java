package io.rapport.config;

/** {@code clv.model}: the purchase-count model behind customer_clv and customer_churn.p_alive. */
public enum ClvModelChoice implements Choice {
  /** BG/NBD (Fader, Hardie and Lee 2005). */
  BG_NBD("bg_nbd"),
  /** Pareto/NBD (Schmittlein, Morrison and Colombo 1987). */
  PARETO_NBD("pareto_nbd"),
  /** MBG/NBD (Batislam, Denizel and Filiztekin 2007). */
  MBG_NBD("mbg_nbd"),
  /** Fit all three and select the one with the lowest holdout error. */
  AUTO("auto");

  private final String id;

  ClvModelChoice(String id) {
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }
}
