package io.rapport.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A minimal SVG writer for the report's charts: elements as text, numbers in a fixed locale,
 * text escaped. No namespace URL, no external reference: the document is inline in the HTML.
 */
final class Svg {
  private final StringBuilder out = new StringBuilder();
  private final int width;
  private final int height;

  Svg(int width, int height) {
    this.width = width;
    this.height = height;
  }

  int width() {
    return width;
  }

  int height() {
    return height;
  }

  Svg rect(double x, double y, double w, double h, String fill, String tooltip) {
    out.append("<rect x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" width=\"").append(n(Math.max(0, w)))
        .append("\" height=\"").append(n(Math.max(0, h))).append("\" fill=\"").append(fill).append('"');
    return closeWithTooltip("rect", tooltip);
  }

  Svg line(double x1, double y1, double x2, double y2, String stroke, double strokeWidth) {
    out.append("<line x1=\"").append(n(x1)).append("\" y1=\"").append(n(y1)).append("\" x2=\"").append(n(x2))
        .append("\" y2=\"").append(n(y2)).append("\" stroke=\"").append(stroke).append("\" stroke-width=\"")
        .append(n(strokeWidth)).append("\"/>");
    return this;
  }

  Svg dashed(double x1, double y1, double x2, double y2, String stroke) {
    out.append("<line x1=\"").append(n(x1)).append("\" y1=\"").append(n(y1)).append("\" x2=\"").append(n(x2))
        .append("\" y2=\"").append(n(y2)).append("\" stroke=\"").append(stroke)
        .append("\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/>");
    return this;
  }

  Svg circle(double cx, double cy, double r, String fill, String tooltip) {
    out.append("<circle cx=\"").append(n(cx)).append("\" cy=\"").append(n(cy)).append("\" r=\"").append(n(r))
        .append("\" fill=\"").append(fill).append('"');
    return closeWithTooltip("circle", tooltip);
  }

  /** An unfilled circle (e.g. marking a low-sample point). */
  Svg circleOutline(double cx, double cy, double r, String stroke) {
    out.append("<circle cx=\"").append(n(cx)).append("\" cy=\"").append(n(cy)).append("\" r=\"").append(n(r))
        .append("\" fill=\"none\" stroke=\"").append(stroke).append("\" stroke-width=\"1.5\"/>");
    return this;
  }

  Svg polyline(List<double[]> points, String stroke, double strokeWidth) {
    out.append("<polyline fill=\"none\" stroke=\"").append(stroke).append("\" stroke-width=\"").append(n(strokeWidth))
        .append("\" points=\"").append(points(points)).append("\"/>");
    return this;
  }

  Svg polygon(List<double[]> points, String fill, double opacity) {
    out.append("<polygon fill=\"").append(fill).append("\" fill-opacity=\"").append(n(opacity))
        .append("\" stroke=\"none\" points=\"").append(points(points)).append("\"/>");
    return this;
  }

  /** anchor: start, middle or end. */
  Svg text(double x, double y, String text, String anchor, int size, String fill) {
    out.append("<text x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" text-anchor=\"").append(anchor)
        .append("\" font-size=\"").append(size).append("\" fill=\"").append(fill).append("\">")
        .append(escape(text)).append("</text>");
    return this;
  }

  /** Text turned by -45 degrees around its anchor, for crowded axis labels. */
  Svg slantedText(double x, double y, String text, int size) {
    out.append("<text x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" text-anchor=\"end\" font-size=\"")
        .append(size).append("\" fill=\"#444\" transform=\"rotate(-45 ").append(n(x)).append(' ').append(n(y))
        .append(")\">").append(escape(text)).append("</text>");
    return this;
  }

  /** A legend row of coloured squares with labels, starting at (x, y). */
  Svg legend(double x, double y, List<String> labels, List<String> colours) {
    double at = x;
    for (int i = 0; i < labels.size(); i++) {
      rect(at, y - 10, 12, 12, colours.get(i), null);
      text(at + 16, y, labels.get(i), "start", 12, "#333");
      at += 26 + labels.get(i).length() * 7.0;
    }
    return this;
  }

  /** The whole element, with the chart name the browser test looks for and an accessible title. */
  String render(String chart, String title) {
    return "<svg data-chart=\"" + escape(chart) + "\" role=\"img\" width=\"" + width + "\" height=\"" + height
        + "\" viewBox=\"0 0 " + width + " " + height + "\" font-family=\"sans-serif\"><title>" + escape(title)
        + "</title>" + out + "</svg>";
  }

  private Svg closeWithTooltip(String element, String tooltip) {
    if (tooltip == null) {
      out.append("/>");
    } else {
      out.append("><title>").append(escape(tooltip)).append("</title></").append(element).append('>');
    }
    return this;
  }

  private static String points(List<double[]> points) {
    List<String> parts = new ArrayList<>();
    for (double[] p : points) {
      parts.add(n(p[0]) + "," + n(p[1]));
    }
    return String.join(" ", parts);
  }

  static String n(double value) {
    String s = String.format(Locale.ROOT, "%.1f", value);
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }

  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** A linear scale from a data range onto a pixel range. */
  record Scale(double d0, double d1, double r0, double r1) {
    double at(double value) {
      if (d1 == d0) {
        return (r0 + r1) / 2;
      }
      return r0 + (value - d0) / (d1 - d0) * (r1 - r0);
    }
  }

  /** About {@code count} round tick values covering [min, max] (steps of 1, 2 or 5 times a power of ten). */
  static List<Double> ticks(double min, double max, int count) {
    if (!(max > min)) {
      max = min + 1;
    }
    double raw = (max - min) / Math.max(1, count);
    double power = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = power * (raw / power <= 1 ? 1 : raw / power <= 2 ? 2 : raw / power <= 5 ? 5 : 10);
    // Multiples of the step computed in decimal, so labels read 5.2 and not 5.200000000000001.
    java.math.BigDecimal exact = java.math.BigDecimal.valueOf(step);
    long first = (long) Math.floor(min / step + 1e-9);
    long last = (long) Math.ceil(max / step - 1e-9);
    List<Double> ticks = new ArrayList<>();
    for (long k = first; k <= Math.max(last, first + 1); k++) {
      ticks.add(exact.multiply(java.math.BigDecimal.valueOf(k)).doubleValue());
    }
    return ticks;
  }
}
