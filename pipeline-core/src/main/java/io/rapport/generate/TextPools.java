package io.rapport.generate;

import java.util.SplittableRandom;

/**
 * Survey comments and review titles and texts, by sentiment. Some hold commas, double quotes and
 * (review texts) line breaks on purpose, so readers must handle RFC 4180 quoting.
 */
final class TextPools {
  private TextPools() {}

  private static final String[] COMMENT_LOW = {
    "Delivery was late, again.",
    "The parcel arrived damaged",
    "Support never answered my email",
    "Refund took far too long, very disappointing",
    "Item was not as described, the \"premium\" finish is plastic",
    "Checkout kept failing on the app",
    "Two weeks for a refund? Not acceptable.",
  };

  private static final String[] COMMENT_MID = {
    "OK overall",
    "Fine, but shipping could be faster",
    "Decent prices, average service",
    "Website is slow, products are fine",
    "Good product, the packaging was \"meh\"",
    "Nothing special",
  };

  private static final String[] COMMENT_HIGH = {
    "Great service!",
    "Fast delivery, friendly staff, will buy again",
    "Love the app",
    "Always reliable",
    "Exactly what I needed, thanks",
    "Best shop in town, \"hands down\"",
    "Quick, easy, cheap",
  };

  private static final String[][] TITLES = {
    {"Terrible", "Do not buy", "Broke after a week", "Very disappointed"},
    {"Not great", "Below expectations", "Meh", "Could be better"},
    {"Average", "OK for the price", "Does the job", "Mixed feelings"},
    {"Good value", "Happy with it", "Solid purchase", "Works well"},
    {"Excellent!", "Love it", "Perfect", "Five stars, \"must have\""},
  };

  private static final String[][] TEXTS = {
    {
      "Stopped working after a few days, and support was useless.",
      "Arrived broken.\nAsked for a refund twice, still waiting.",
      "Cheap materials, poor fit, \"premium\" my foot.",
    },
    {
      "Smaller than the pictures suggest, and the colour is off.",
      "It works, but it feels flimsy.\nWould not buy again.",
      "Took ages to arrive, box was dented.",
    },
    {
      "Does what it says, nothing more.",
      "Fine for everyday use, though the manual is confusing.",
      "Good product, slow delivery.\nThree stars overall.",
    },
    {
      "Good quality, fair price, quick delivery.",
      "Very happy with it. The \"easy setup\" really was easy.",
      "Nice product.\nMinor scratch on the side, but nothing serious.",
    },
    {
      "Absolutely love it, bought a second one for my sister.",
      "Great quality, arrived early, well packed.\nHighly recommended!",
      "Exactly as described, \"10/10\", would buy again.",
    },
  };

  /** A comment for a 0..1 satisfaction level, or empty for no comment. */
  static String comment(SplittableRandom rnd, double satisfaction) {
    if (!Distributions.chance(rnd, 0.45)) {
      return "";
    }
    String[] pool = satisfaction < 0.35 ? COMMENT_LOW : satisfaction < 0.7 ? COMMENT_MID : COMMENT_HIGH;
    return Distributions.pick(rnd, pool);
  }

  static String title(SplittableRandom rnd, int rating) {
    return Distributions.pick(rnd, TITLES[rating - 1]);
  }

  /** A review text, or empty (about a fifth of reviews are a rating with a title only). */
  static String text(SplittableRandom rnd, int rating) {
    if (Distributions.chance(rnd, 0.2)) {
      return "";
    }
    return Distributions.pick(rnd, TEXTS[rating - 1]);
  }
}
