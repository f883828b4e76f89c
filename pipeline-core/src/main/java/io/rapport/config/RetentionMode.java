package io.rapport.config;

/** {@code retention.mode}: when a cohort customer counts as retained in a period (SPEC 5, Cohort). */
public enum RetentionMode implements Choice {
  /** A purchase in that very period. */
  ON("on"),
  /** A purchase in that period or any later one. */
  ON_OR_AFTER("on_or_after");

  private final String id;

  RetentionMode(String id) {
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }
}
