package io.rapport.config;

/** {@code sources.purchases.price-rounding}: what happens to a unit_price with more than 4 decimals. */
public enum PriceRounding implements Choice {
  /** The row is rejected ({@code invalid_price}): nothing is silently altered. */
  REJECT("reject"),
  /** Rounded half-even to 4 decimals; the rounded rows are counted in the manifest. */
  HALF_EVEN("half-even");

  private final String id;

  PriceRounding(String id) {
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }
}
