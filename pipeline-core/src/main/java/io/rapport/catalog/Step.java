package io.rapport.catalog;

/**
 * The steps of a run, in the one order they run (SPEC section 6): ingest and validate -> facts ->
 * models and metrics -> quality gate -> publish. The Spring Batch job, the run summary and the
 * manifest all take the order from here.
 */
public enum Step {
  INGEST("ingest"),
  FACTS("facts"),
  MODELS("models"),
  QUALITY_GATE("quality-gate"),
  PUBLISH("publish");

  private final String id;

  Step(String id) {
    this.id = id;
  }

  /** The step's name in the job repository, the run summary and the manifest. */
  public String id() {
    return id;
  }
}
