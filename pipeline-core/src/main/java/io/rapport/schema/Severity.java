package io.rapport.schema;

import java.util.Locale;

/** How a failed check acts: an error stops the publish, a warning is logged and stored with the run. */
public enum Severity {
  ERROR,
  WARNING;

  /** The lower-case name used in the manifest, the configuration and {@code run_metrics}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
