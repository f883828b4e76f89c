package io.rapport.quality;

/** How a failed check acts: an error stops the publish, a warning is logged and stored with the run. */
public enum Severity {
  ERROR,
  WARNING
}
