package io.rapport.generate;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The product catalogue: 8 categories of 30 products, each with a lognormal list price around
 * its category's median, a price per currency ending in .99, and a hidden quality that nudges its
 * review ratings.
 */
final class Catalog {
  static final String[] CATEGORIES = {"electronics", "home", "kitchen", "clothing", "beauty", "books", "toys", "sports"};
  private static final double[] MEDIAN_USD = {149, 49, 35, 39, 18, 14, 24, 55};
  /** How often each category is bought. */
  static final double[] POPULARITY = {0.12, 0.14, 0.12, 0.20, 0.12, 0.10, 0.08, 0.12};
  static final int PRODUCTS_PER_CATEGORY = 30;
  /** Local list price per USD of list price (rounded, not converted daily: shops keep price lists). */
  private static final String[] CURRENCIES = {"USD", "EUR", "GBP"};
  private static final double[] PRICE_FACTOR = {1.0, 0.93, 0.80};

  private final String[] productIds;
  private final long[][] priceCents; // [product][currency index]
  private final double[] quality;

  private Catalog(String[] productIds, long[][] priceCents, double[] quality) {
    this.productIds = productIds;
    this.priceCents = priceCents;
    this.quality = quality;
  }

  static Catalog create(SplittableRandom rnd) {
    int count = CATEGORIES.length * PRODUCTS_PER_CATEGORY;
    String[] ids = new String[count];
    long[][] prices = new long[count][CURRENCIES.length];
    double[] quality = new double[count];
    for (int p = 0; p < count; p++) {
      ids[p] = String.format(Locale.ROOT, "P%04d", p + 1);
      double usd = Distributions.lognormal(rnd, MEDIAN_USD[p / PRODUCTS_PER_CATEGORY], 0.55);
      for (int c = 0; c < CURRENCIES.length; c++) {
        // Whole units then .99, the way shops price: 41.3 -> 41.99, 0.4 -> 0.99.
        prices[p][c] = (long) StrictMath.floor(usd * PRICE_FACTOR[c]) * 100 + 99;
      }
      quality[p] = 0.35 * Distributions.normal(rnd);
    }
    return new Catalog(ids, prices, quality);
  }

  int size() {
    return productIds.length;
  }

  /** A product of the category, the first ones of each category being the best sellers. */
  int pick(SplittableRandom rnd, int category) {
    double u = rnd.nextDouble();
    return category * PRODUCTS_PER_CATEGORY + (int) (PRODUCTS_PER_CATEGORY * u * u);
  }

  String productId(int product) {
    return productIds[product];
  }

  String category(int product) {
    return CATEGORIES[product / PRODUCTS_PER_CATEGORY];
  }

  long priceCents(int product, String currency) {
    for (int c = 0; c < CURRENCIES.length; c++) {
      if (CURRENCIES[c].equals(currency)) {
        return priceCents[product][c];
      }
    }
    throw new IllegalArgumentException("No price in " + currency);
  }

  double quality(int product) {
    return quality[product];
  }
}
