package io.rapport.errors;

/** The configuration or the command line is wrong (exit code 2). */
public final class ConfigurationException extends RapportException {
  public ConfigurationException(String message) {
    super(message);
  }

  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int exitCode() {
    return 2;
  }
}
