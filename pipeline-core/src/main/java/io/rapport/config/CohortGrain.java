package io.rapport.config;

/** {@code retention.grain}: the period of cohorts and their periods. */
public enum CohortGrain implements Choice {
  MONTH("month"),
  /** Weeks starting on {@code reporting.week-start}. */
  WEEK("week");

  private final String id;

  CohortGrain(String id) {
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }
}
