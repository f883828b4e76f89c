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
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** Reads the YAML configuration into {@link RapportSettings} and checks it, or says what is wrong. */
public final class SettingsLoader {
  private static final Set<String> FORMATS = Set.of("csv", "jsonl", "json", "parquet");

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

  public static RapportSettings parse(String yaml, String origin) {
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    try {
      RapportSettings settings = mapper.readValue(yaml, RapportSettings.class);
      return settings == null ? mapper.readValue("{}", RapportSettings.class) : settings;
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigurationException("Cannot read configuration " + origin + ": unknown key '"
          + e.getPropertyName() + "' at " + path(e) + " (known keys: "
          + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")) + ")", e);
    } catch (JsonMappingException e) {
      throw new ConfigurationException("Cannot read configuration " + origin + ": wrong value at "
          + path(e) + ": " + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw new ConfigurationException("Cannot read configuration " + origin + ": not valid YAML: " + e.getOriginalMessage(), e);
    }
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining("."));
  }

  /** Checks values that bind but make no sense, each with the key at fault. */
  public static void validate(RapportSettings s, String origin) {
    String prefix = "Invalid configuration " + origin + ": ";
    zone(s.reporting().timeZone(), prefix + "reporting.time-zone");
    try {
      DayOfWeek.valueOf(s.reporting().weekStart().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(prefix + "reporting.week-start '" + s.reporting().weekStart()
          + "' is not a day of the week (MONDAY .. SUNDAY)");
    }
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
    if (!Set.of("on", "on_or_after").contains(s.retention().mode())) {
      throw new ConfigurationException(prefix + "retention.mode '" + s.retention().mode() + "' must be on or on_or_after");
    }
    if (!Set.of("month", "week").contains(s.retention().grain())) {
      throw new ConfigurationException(prefix + "retention.grain '" + s.retention().grain() + "' must be month or week");
    }
    if (s.churn().thresholdDays() < 1) {
      throw new ConfigurationException(prefix + "churn.threshold-days must be at least 1");
    }
    var bands = s.churn().riskBands();
    if (bands.size() != 2 || !(0 < bands.get(0) && bands.get(0) < bands.get(1) && bands.get(1) < 1)) {
      throw new ConfigurationException(prefix + "churn.risk-bands must be two increasing cuts in (0, 1), got " + bands);
    }
    if (s.clv().timeUnitDays() <= 0 || s.clv().horizonMonths() < 1 || s.clv().monthlyDiscountRate() < 0) {
      throw new ConfigurationException(prefix + "clv.time-unit-days must be > 0, clv.horizon-months >= 1, clv.monthly-discount-rate >= 0");
    }
    if (s.clv().tiers().isEmpty()) {
      throw new ConfigurationException(prefix + "clv.tiers needs at least one tier name");
    }
    String url = s.jobRepository().url();
    if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
      throw new ConfigurationException(prefix + "job-repository.url must be a jdbc:h2: or jdbc:postgresql: URL");
    }
    if (url.matches("(?i).*(password|user)=.*")) {
      throw new ConfigurationException(prefix + "job-repository.url must not carry credentials; set RAPPORT_JOB_REPOSITORY_USER and RAPPORT_JOB_REPOSITORY_PASSWORD instead");
    }
  }

  private static void source(String name, RapportSettings.Source source, String prefix) {
    if (source == null) {
      return;
    }
    if (source.path() == null || source.path().isBlank()) {
      throw new ConfigurationException(prefix + "sources." + name + ".path is required when the source is configured");
    }
    if (!FORMATS.contains(source.format())) {
      throw new ConfigurationException(prefix + "sources." + name + ".format '" + source.format() + "' must be csv, jsonl or parquet");
    }
    zone(source.timeZone(), prefix + "sources." + name + ".time-zone");
    if (source.maxRejectRate() < 0 || source.maxRejectRate() > 1) {
      throw new ConfigurationException(prefix + "sources." + name + ".max-reject-rate must be within [0, 1]");
    }
  }

  private static void zone(String zone, String key) {
    try {
      ZoneId.of(zone);
    } catch (DateTimeException e) {
      throw new ConfigurationException(key + " '" + zone + "' is not an IANA time zone (for example Europe/Berlin)");
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
