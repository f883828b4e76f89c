package io.rapport.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.rapport.schema.Severity;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The whole configuration of a run: one YAML file (see {@code config/rapport.yaml}) bound to
 * typed records. Every value is parsed and checked once, by {@link SettingsLoader}; the rest of
 * the code receives zones, days, enums and numbers, never a string to re-parse. Absent keys take
 * the documented defaults (docs/configuration.md); unknown keys are an error.
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

  /** The default zone of reporting and of source timestamps without an offset. */
  public static final ZoneId UTC = ZoneId.of("UTC");

  public RapportSettings {
    warehouse = warehouse == null ? "./warehouse" : warehouse;
    reporting = reporting == null ? new Reporting(null, null, null) : reporting;
    sources = sources == null ? new Sources(null, null, null, null) : sources;
    retention = retention == null ? new Retention(null, null) : retention;
    churn = churn == null ? new Churn(null, null) : churn;
    clv = clv == null ? Clv.defaults() : clv;
    voice = voice == null ? new Voice(null) : voice;
    quality = quality == null ? new Quality(null, null) : quality;
    privacy = privacy == null ? new Privacy(null, null) : privacy;
    jobRepository = jobRepository == null ? new JobRepository(null) : jobRepository;
    spark = spark == null ? Map.of() : Map.copyOf(spark);
  }

  /** {@code reporting.*}: calendar and money of all outputs. */
  public record Reporting(
      @JsonProperty("time-zone") ZoneId timeZone,
      @JsonProperty("currency") String currency,
      @JsonProperty("week-start") DayOfWeek weekStart) {
    public Reporting {
      timeZone = timeZone == null ? UTC : timeZone;
      currency = currency == null ? "USD" : currency.trim().toUpperCase(Locale.ROOT);
      weekStart = weekStart == null ? DayOfWeek.MONDAY : weekStart;
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
      @JsonProperty("format") SourceFormat format,
      @JsonProperty("required") Boolean required,
      @JsonProperty("options") Map<String, String> options,
      @JsonProperty("time-zone") ZoneId timeZone,
      @JsonProperty("timestamp-format") String timestampFormat,
      @JsonProperty("encoding") Charset encoding,
      @JsonProperty("price-rounding") PriceRounding priceRounding,
      @JsonProperty("columns") Map<String, String> columns,
      @JsonProperty("expressions") Map<String, String> expressions,
      @JsonProperty("defaults") Map<String, String> defaults,
      @JsonProperty("max-reject-rate") Double maxRejectRate) {
    public Source {
      format = format == null ? SourceFormat.CSV : format;
      required = required == null ? Boolean.FALSE : required;
      options = options == null ? Map.of() : Map.copyOf(options);
      timeZone = timeZone == null ? UTC : timeZone;
      timestampFormat = timestampFormat == null || timestampFormat.isBlank() ? null : timestampFormat;
      encoding = encoding == null ? StandardCharsets.UTF_8 : encoding;
      priceRounding = priceRounding == null ? PriceRounding.REJECT : priceRounding;
      columns = columns == null ? Map.of() : Map.copyOf(columns);
      expressions = expressions == null ? Map.of() : Map.copyOf(expressions);
      defaults = defaults == null ? Map.of() : Map.copyOf(defaults);
      maxRejectRate = maxRejectRate == null ? 0.05 : maxRejectRate;
    }

    /** A source read from {@code path} with every other key at its default. */
    public static Source at(String path, SourceFormat format) {
      return new Source(path, format, null, null, null, null, null, null, null, null, null, null);
    }

    /** The export's column holding a canonical column (the canonical name when unmapped). */
    public String sourceColumn(String canonical) {
      return columns.getOrDefault(canonical, canonical);
    }
  }

  /** {@code retention.*}: cohort table options. */
  public record Retention(
      @JsonProperty("mode") RetentionMode mode,
      @JsonProperty("grain") CohortGrain grain) {
    public Retention {
      mode = mode == null ? RetentionMode.ON : mode;
      grain = grain == null ? CohortGrain.MONTH : grain;
    }
  }

  /** {@code churn.*}: inactivity threshold and p_alive risk-band cuts. */
  public record Churn(
      @JsonProperty("threshold-days") Integer thresholdDays,
      @JsonProperty("risk-bands") RiskBands riskBands) {
    public Churn {
      thresholdDays = thresholdDays == null ? 90 : thresholdDays;
      riskBands = riskBands == null ? new RiskBands(0.3, 0.7) : riskBands;
    }
  }

  /**
   * {@code churn.risk-bands}: risk = 1 - p_alive is {@code low} below {@code mediumFrom},
   * {@code medium} below {@code highFrom}, else {@code high}. Written as a two-element list.
   */
  public record RiskBands(double mediumFrom, double highFrom) {
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static RiskBands of(List<Double> cuts) {
      if (cuts == null || cuts.size() != 2 || cuts.get(0) == null || cuts.get(1) == null
          || !(0 < cuts.get(0) && cuts.get(0) < cuts.get(1) && cuts.get(1) < 1)) {
        throw new InvalidSetting("must be two increasing cuts in (0, 1), got " + cuts);
      }
      return new RiskBands(cuts.get(0), cuts.get(1));
    }

    public List<Double> asList() {
      return List.of(mediumFrom, highFrom);
    }
  }

  /** {@code clv.*}: models, time unit, horizon, discounting, tiers, model choice and intervals. */
  public record Clv(
      @JsonProperty("model") ClvModelChoice model,
      @JsonProperty("time-unit-days") Double timeUnitDays,
      @JsonProperty("horizon-months") Integer horizonMonths,
      @JsonProperty("monthly-discount-rate") Double monthlyDiscountRate,
      @JsonProperty("tiers") List<String> tiers,
      @JsonProperty("min-repeat-customers") Integer minRepeatCustomers,
      @JsonProperty("selection-holdout-days") Integer selectionHoldoutDays,
      @JsonProperty("interval-draws") Integer intervalDraws) {
    public Clv {
      model = model == null ? ClvModelChoice.BG_NBD : model;
      timeUnitDays = timeUnitDays == null ? 7.0 : timeUnitDays;
      horizonMonths = horizonMonths == null ? 12 : horizonMonths;
      monthlyDiscountRate = monthlyDiscountRate == null ? 0.01 : monthlyDiscountRate;
      tiers = tiers == null ? List.of("low", "medium", "high", "top") : List.copyOf(tiers);
      minRepeatCustomers = minRepeatCustomers == null ? 20 : minRepeatCustomers;
      selectionHoldoutDays = selectionHoldoutDays == null ? 90 : selectionHoldoutDays;
      intervalDraws = intervalDraws == null ? 200 : intervalDraws;
    }

    public static Clv defaults() {
      return new Clv(null, null, null, null, null, null, null, null);
    }

    /** The defaults with another time unit (CDNOW and most tests work in weeks or days). */
    public static Clv withTimeUnitDays(double days) {
      return new Clv(null, days, null, null, null, null, null, null);
    }
  }

  /** {@code voice.*}: survey and review summaries. */
  public record Voice(@JsonProperty("min-responses") Integer minResponses) {
    public Voice {
      minResponses = minResponses == null ? 30 : minResponses;
    }
  }

  /** {@code quality.*}: what the quality gate does with warnings, and the anomaly checks. */
  public record Quality(
      @JsonProperty("fail-on-warning") Boolean failOnWarning,
      @JsonProperty("anomalies") Anomalies anomalies) {
    public Quality {
      failOnWarning = failOnWarning == null ? Boolean.FALSE : failOnWarning;
      anomalies = anomalies == null ? new Anomalies(null, null, null) : anomalies;
    }
  }

  /**
   * {@code quality.anomalies.*} (SPEC 5, Run metrics and anomalies): each run metric is compared
   * with the median of at most {@code baselineRuns} earlier published runs.
   */
  public record Anomalies(
      @JsonProperty("baseline-runs") Integer baselineRuns,
      @JsonProperty("default") MetricRule defaultRule,
      @JsonProperty("metrics") Map<String, MetricRule> metrics) {
    public Anomalies {
      baselineRuns = baselineRuns == null ? 7 : baselineRuns;
      defaultRule = defaultRule == null ? new MetricRule(null, null) : defaultRule;
      metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    }
  }

  /**
   * The bounds of one metric: baseline x (1 -/+ {@code maxRelativeChange}); what a value outside
   * them does. A null field inherits ({@code default}, then the built-in default).
   */
  public record MetricRule(
      @JsonProperty("max-relative-change") Double maxRelativeChange,
      @JsonProperty("severity") Severity severity) {}

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
