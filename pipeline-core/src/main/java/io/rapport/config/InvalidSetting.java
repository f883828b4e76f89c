package io.rapport.config;

/**
 * A configuration value that binds but means nothing: thrown while the YAML is bound (or checked),
 * and turned by {@link SettingsLoader} into "Invalid configuration FILE: key 'value' reason".
 */
public final class InvalidSetting extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String value;

  /** @param reason what is wrong, completing "key 'value' ...", e.g. "must be month or week" */
  public InvalidSetting(String reason) {
    this(null, reason);
  }

  /** @param value the text as written, quoted in the message (null: not quoted) */
  public InvalidSetting(String value, String reason) {
    super(reason);
    this.value = value;
  }

  /** "key 'value' reason", or "key reason" without a value. */
  public String describe(String key) {
    return key + (value == null ? "" : " '" + value + "'") + " " + getMessage();
  }
}
