package io.rapport.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The whole configuration of a run: one YAML file (see {@code config/rapport.yaml}) bound to
 * typed records. Absent keys take the documented defaults; unknown keys are an error.
 * Precedence: command line > config file > these defaults.
 */
public record RapportSettings(
    @JsonProperty("warehouse") String warehouse,
    @JsonProperty("reporting") Reporting reporting,
    @JsonProperty("sources") Sources sources,
    @JsonProperty("retention") Retention retention,
    @JsonProperty("churn") Churn churn,
    @JsonProperty("clv") Clv clv,
    @JsonProperty("voice") Voice voice,
    @JsonProperty("quality") Quality quality,
    @JsonProperty("privacy") Privacy privacy,
    @JsonProperty("job-repository") JobRepository jobRepository,
    @JsonProperty("spark") Map<String, String> spark) {

  public RapportSettings {
    warehouse = warehouse == null ? "./warehouse" : warehouse;
    reporting = reporting == null ? new Reporting(null, null, null) : reporting;
    sources = sources == null ? new Sources(null, null, null, null) : sources;
    retention = retention == null ? new Retention(null, null) : retention;
    churn = churn == null ? new Churn(null, null) : churn;
    clv = clv == null ? new Clv(null, null, null, null, null) : clv;
    voice = voice == null ? new Voice(null) : voice;
    quality = quality == null ? new Quality(null) : quality;
    privacy = privacy == null ? new Privacy(null, null) : privacy;
    jobRepository = jobRepository == null ? new JobRepository(null) : jobRepository;
    spark = spark == null ? Map.of() : Map.copyOf(spark);
  }

  /** {@code reporting.*}: calendar and money of all outputs. */
  public record Reporting(
      @JsonProperty("time-zone") String timeZone,
      @JsonProperty("currency") String currency,
      @JsonProperty("week-start") String weekStart) {
    public Reporting {
      timeZone = timeZone == null ? "UTC" : timeZone;
      currency = currency == null ? "USD" : currency;
      weekStart = weekStart == null ? "MONDAY" : weekStart;
    }
  }

  /** {@code sources.*}: the three inputs and the optional exchange rates. */
  public record Sources(
      @JsonProperty("purchases") Source purchases,
      @JsonProperty("surveys") Source surveys,
      @JsonProperty("reviews") Source reviews,
      @JsonProperty("fx-rates") Source fxRates) {}

  /**
   * One input source. {@code columns} maps canonical names to the export's column names;
   * {@code expressions} maps canonical names to Spark SQL expressions over the export's columns
   * (for example {@code status: "CASE WHEN InvoiceNo LIKE 'C%' THEN 'cancelled' END"});
   * {@code defaults} gives constants for columns the export lacks.
   */
  public record Source(
      @JsonProperty("path") String path,
      @JsonProperty("format") String format,
      @JsonProperty("required") Boolean required,
      @JsonProperty("options") Map<String, String> options,
      @JsonProperty("time-zone") String timeZone,
      @JsonProperty("timestamp-format") String timestampFormat,
      @JsonProperty("columns") Map<String, String> columns,
      @JsonProperty("expressions") Map<String, String> expressions,
      @JsonProperty("defaults") Map<String, String> defaults,
      @JsonProperty("max-reject-rate") Double maxRejectRate) {
    public Source {
      format = format == null ? "csv" : format.toLowerCase(java.util.Locale.ROOT);
      required = required == null ? Boolean.FALSE : required;
      options = options == null ? Map.of() : Map.copyOf(options);
      timeZone = timeZone == null ? "UTC" : timeZone;
      columns = columns == null ? Map.of() : Map.copyOf(columns);
      expressions = expressions == null ? Map.of() : Map.copyOf(expressions);
      defaults = defaults == null ? Map.of() : Map.copyOf(defaults);
      maxRejectRate = maxRejectRate == null ? 0.05 : maxRejectRate;
    }

    /** The export's column holding a canonical column (the canonical name when unmapped). */
    public String sourceColumn(String canonical) {
      return columns.getOrDefault(canonical, canonical);
    }
  }

  /** {@code retention.*}: cohort table options. */
  public record Retention(
      @JsonProperty("mode") String mode,
      @JsonProperty("grain") String grain) {
    public Retention {
      mode = mode == null ? "on" : mode;
      grain = grain == null ? "month" : grain;
    }
  }

  /** {@code churn.*}: inactivity threshold and p_alive risk-band cuts. */
  public record Churn(
      @JsonProperty("threshold-days") Integer thresholdDays,
      @JsonProperty("risk-bands") List<Double> riskBands) {
    public Churn {
      thresholdDays = thresholdDays == null ? 90 : thresholdDays;
      riskBands = riskBands == null ? List.of(0.3, 0.7) : List.copyOf(riskBands);
    }
  }

  /** {@code clv.*}: model time unit, horizon, discounting and tiers. */
  public record Clv(
      @JsonProperty("time-unit-days") Double timeUnitDays,
      @JsonProperty("horizon-months") Integer horizonMonths,
      @JsonProperty("monthly-discount-rate") Double monthlyDiscountRate,
      @JsonProperty("tiers") List<String> tiers,
      @JsonProperty("min-repeat-customers") Integer minRepeatCustomers) {
    public Clv {
      timeUnitDays = timeUnitDays == null ? 7.0 : timeUnitDays;
      horizonMonths = horizonMonths == null ? 12 : horizonMonths;
      monthlyDiscountRate = monthlyDiscountRate == null ? 0.01 : monthlyDiscountRate;
      tiers = tiers == null ? List.of("low", "medium", "high", "top") : List.copyOf(tiers);
      minRepeatCustomers = minRepeatCustomers == null ? 20 : minRepeatCustomers;
    }
  }

  /** {@code voice.*}: survey and review summaries. */
  public record Voice(@JsonProperty("min-responses") Integer minResponses) {
    public Voice {
      minResponses = minResponses == null ? 30 : minResponses;
    }
  }

  /** {@code quality.*}: what the quality gate does with warnings. */
  public record Quality(@JsonProperty("fail-on-warning") Boolean failOnWarning) {
    public Quality {
      failOnWarning = failOnWarning == null ? Boolean.FALSE : failOnWarning;
    }
  }

  /** {@code privacy.*}: pseudonymisation of customer identifiers. */
  public record Privacy(
      @JsonProperty("pseudonymise-customer-ids") Boolean pseudonymiseCustomerIds,
      @JsonProperty("key-env") String keyEnv) {
    public Privacy {
      pseudonymiseCustomerIds = pseudonymiseCustomerIds == null ? Boolean.FALSE : pseudonymiseCustomerIds;
      keyEnv = keyEnv == null ? "RAPPORT_PSEUDONYM_KEY" : keyEnv;
    }
  }

  /** {@code job-repository.*}: where Spring Batch keeps run state; credentials from the environment. */
  public record JobRepository(@JsonProperty("url") String url) {
    public JobRepository {
      url = url == null ? "jdbc:h2:file:./var/jobs" : url;
    }
  }
}
