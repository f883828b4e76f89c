package io.rapport.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.rapport.errors.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Collectors;

/**
 * Reads the YAML configuration into {@link RapportSettings} and checks it, or says what is wrong:
 * the one place where settings are parsed and validated. Every message names the file, the key
 * and the value at fault ("Invalid configuration c.yaml: retention.grain 'day' must be month or
 * week").
 */
public final class SettingsLoader {
  private SettingsLoader() {}

  /** A loaded configuration with the digest of its text, recorded in every manifest. */
  public record LoadedSettings(RapportSettings settings, Path file, String digest) {}

  public static LoadedSettings load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigurationException("Cannot read configuration " + file + ": no such file");
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigurationException("Cannot read configuration " + file + ": " + e.getMessage(), e);
    }
    RapportSettings settings = parse(text, file.toString());
    validate(settings, file.toString());
    return new LoadedSettings(settings, file, sha256(text));
  }

  /** Binds the YAML text; values with a fixed meaning (zones, days, enums) are checked here. */
  public static RapportSettings parse(String yaml, String origin) {
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
        .registerModule(new SettingsModule())
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    try {
      RapportSettings settings = mapper.readValue(yaml, RapportSettings.class);
      return settings == null ? mapper.readValue("{}", RapportSettings.class) : settings;
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigurationException("Cannot read configuration " + origin + ": unknown key '"
          + e.getPropertyName() + "' at " + path(e) + " (known keys: "
          + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")) + ")", e);
    } catch (JsonMappingException e) {
      InvalidSetting invalid = invalidSetting(e);
      if (invalid != null) {
        throw new ConfigurationException("Invalid configuration " + origin + ": " + invalid.describe(path(e)), e);
      }
      throw new ConfigurationException("Cannot read configuration " + origin + ": wrong value at "
          + path(e) + ": " + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw new ConfigurationException("Cannot read configuration " + origin + ": not valid YAML: " + e.getOriginalMessage(), e);
    }
  }

  private static InvalidSetting invalidSetting(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InvalidSetting invalid) {
        return invalid;
      }
    }
    return null;
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining("."));
  }

  /** Checks values that bind but make no sense together or in range, each with the key at fault. */
  public static void validate(RapportSettings s, String origin) {
    String prefix = "Invalid configuration " + origin + ": ";
    if (!s.reporting().currency().matches("[A-Z]{3}")) {
      throw new ConfigurationException(prefix + "reporting.currency '" + s.reporting().currency() + "' is not an ISO-4217 code");
    }
    if (s.sources().purchases() == null || s.sources().purchases().path() == null) {
      throw new ConfigurationException(prefix + "sources.purchases.path is required");
    }
    source("purchases", s.sources().purchases(), prefix);
    source("surveys", s.sources().surveys(), prefix);
    source("reviews", s.sources().reviews(), prefix);
    source("fx-rates", s.sources().fxRates(), prefix);
    if (s.churn().thresholdDays() < 1) {
      throw new ConfigurationException(prefix + "churn.threshold-days must be at least 1");
    }
    RapportSettings.Clv clv = s.clv();
    if (clv.timeUnitDays() <= 0 || clv.horizonMonths() < 1 || clv.monthlyDiscountRate() < 0) {
      throw new ConfigurationException(prefix + "clv.time-unit-days must be > 0, clv.horizon-months >= 1, clv.monthly-discount-rate >= 0");
    }
    if (clv.tiers().isEmpty()) {
      throw new ConfigurationException(prefix + "clv.tiers needs at least one tier name");
    }
    if (clv.minRepeatCustomers() < 1) {
      throw new ConfigurationException(prefix + "clv.min-repeat-customers must be at least 1");
    }
    if (clv.selectionHoldoutDays() < 1) {
      throw new ConfigurationException(prefix + "clv.selection-holdout-days must be at least 1");
    }
    if (clv.intervalDraws() < MIN_INTERVAL_DRAWS) {
      throw new ConfigurationException(prefix + "clv.interval-draws must be at least " + MIN_INTERVAL_DRAWS
          + " (fewer draws give unstable 5% and 95% quantiles)");
    }
    if (s.voice().minResponses() < 1) {
      throw new ConfigurationException(prefix + "voice.min-responses must be at least 1");
    }
    anomalies(s.quality().anomalies(), prefix);
    String url = s.jobRepository().url();
    if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
      throw new ConfigurationException(prefix + "job-repository.url must be a jdbc:h2: or jdbc:postgresql: URL");
    }
    if (url.matches("(?i).*(password|user)=.*")) {
      throw new ConfigurationException(prefix + "job-repository.url must not carry credentials; set RAPPORT_JOB_REPOSITORY_USER and RAPPORT_JOB_REPOSITORY_PASSWORD instead");
    }
  }

  /** SPEC 5 asks for at least 200 parameter draws behind each CLV interval. */
  public static final int MIN_INTERVAL_DRAWS = 200;
  /** A median of fewer than 3 runs is no baseline (SPEC 5, status no_baseline). */
  public static final int MIN_BASELINE_RUNS = 3;

  private static void source(String name, RapportSettings.Source source, String prefix) {
    if (source == null) {
      return;
    }
    String key = "sources." + name;
    if (source.path() == null || source.path().isBlank()) {
      throw new ConfigurationException(prefix + key + ".path is required when the source is configured");
    }
    if (source.maxRejectRate() < 0 || source.maxRejectRate() > 1) {
      throw new ConfigurationException(prefix + key + ".max-reject-rate must be within [0, 1]");
    }
    if (source.timestampFormat() != null) {
      try {
        TimestampPatterns.formatter(source.timestampFormat());
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException(prefix + key + ".timestamp-format '" + source.timestampFormat() + "': " + e.getMessage());
      }
    }
    if (source.priceRounding() != PriceRounding.REJECT && !name.equals("purchases")) {
      throw new ConfigurationException(prefix + key + ".price-rounding applies to purchases only");
    }
  }

  private static void anomalies(RapportSettings.Anomalies a, String prefix) {
    if (a.baselineRuns() < MIN_BASELINE_RUNS) {
      throw new ConfigurationException(prefix + "quality.anomalies.baseline-runs must be at least " + MIN_BASELINE_RUNS
          + " (a median of fewer runs is no baseline)");
    }
    rule("quality.anomalies.default", a.defaultRule(), prefix);
    a.metrics().forEach((metric, rule) -> rule("quality.anomalies.metrics." + metric, rule, prefix));
  }

  private static void rule(String key, RapportSettings.MetricRule rule, String prefix) {
    if (rule == null) {
      throw new ConfigurationException(prefix + key + " needs max-relative-change and/or severity");
    }
    Double change = rule.maxRelativeChange();
    if (change != null && !(change > 0)) {
      throw new ConfigurationException(prefix + key + ".max-relative-change must be > 0, got " + change);
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
