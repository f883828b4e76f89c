package io.rapport.report;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A run warning in plain language for the analyst; the original text (with the model's numbers)
 * stays available as detail. Known shapes are the CLV models' (BuildStage: "CLV model m: ..." and
 * "CLV model m not fitted: ...") and the quality gate's ("quality warning on t: check: ..."); any
 * other warning is shown as it is.
 */
final class PlainWarnings {
  private PlainWarnings() {}

  private static final Map<String, String> MODELS = Map.of("bg_nbd", "BG/NBD purchase", "pareto_nbd",
      "Pareto/NBD purchase", "mbg_nbd", "MBG/NBD purchase", "gamma_gamma", "Gamma-Gamma spend");
  private static final Pattern NOT_FITTED = Pattern.compile("CLV model (\\S+) not fitted: (.*)", Pattern.DOTALL);
  private static final Pattern MODEL = Pattern.compile("CLV model (\\S+): (.*)", Pattern.DOTALL);
  private static final Pattern QUALITY = Pattern.compile("quality warning on (\\S+): ([^:]+): (.*)", Pattern.DOTALL);

  /** The plain sentence for a warning. */
  static String plain(String warning) {
    Matcher m = NOT_FITTED.matcher(warning);
    if (m.matches()) {
      return "Customer lifetime value is not available from the " + model(m.group(1)) + " model this run: it could not "
          + "be fitted to this data. Every other table is published; the CLV columns are empty.";
    }
    m = MODEL.matcher(warning);
    if (m.matches()) {
      String detail = m.group(2);
      String model = model(m.group(1));
      if (detail.contains("never drop out")) {
        return "The " + model + " model finds almost no customers dropping out; CLV may be too optimistic.";
      }
      if (detail.contains("boundary solution")) {
        return "The " + model + " model cannot tell customers apart on part of their behaviour with this much data, so "
            + "it treats them as alike there. Totals (such as total CLV) are usable; differences between individual "
            + "customers' CLV are less reliable.";
      }
      if (detail.contains("mean spend is infinite")) {
        return "The " + model + " model cannot estimate the spend of one-time buyers; they get no CLV.";
      }
      if (detail.contains("standard errors unavailable")) {
        return "The " + model + " model's uncertainty could not be estimated, so CLV ranges are not available.";
      }
      if (detail.contains("correlation")) {
        return "Spend and purchase frequency are correlated among repeat buyers, which the " + model
            + " model assumes they are not; CLV of frequent buyers may be off.";
      }
      return "The " + model + " model reported a problem; see the detail.";
    }
    m = QUALITY.matcher(warning);
    if (m.matches()) {
      return "A data check did not pass on " + m.group(1) + " (" + m.group(2).trim().replace('_', ' ')
          + "). It is a warning, so the run is published; see the detail.";
    }
    return warning;
  }

  /** Whether the plain sentence replaces the text (then the original is shown as detail). */
  static boolean hasDetail(String warning) {
    return !plain(warning).equals(warning);
  }

  private static String model(String name) {
    return MODELS.getOrDefault(name, name);
  }
}
