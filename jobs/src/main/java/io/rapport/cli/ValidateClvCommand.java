package io.rapport.cli;

import io.rapport.clv.HoldoutValidation;
import io.rapport.config.ClvModelChoice;
import io.rapport.config.RapportSettings;
import io.rapport.config.SettingsLoader.LoadedSettings;
import io.rapport.errors.ConfigurationException;
import io.rapport.intermediate.CustomerPurchaseDays;
import io.rapport.jobs.SparkSessions;
import io.rapport.marts.ClvModelTable;
import io.rapport.marts.FactOrders;
import io.rapport.models.ModelFit;
import io.rapport.staging.SourceName;
import io.rapport.staging.Staging;
import io.rapport.staging.StagingResult;
import io.rapport.warehouse.JsonFiles;
import io.rapport.warehouse.TableIo;
import io.rapport.warehouse.WarehouseLayout;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "validate-clv", mixinStandardHelpOptions = true,
    description = {"Check the CLV purchase models on a holdout period: predicted against actual repeat purchases.",
        "",
        "Fits BG/NBD, Pareto/NBD and MBG/NBD on purchases up to --calibration-end, predicts each customer's repeat"
            + " purchase days in the holdout (the day after the calibration end to --holdout-end) and compares with what"
            + " they did, per calibration frequency (0 to 6, and 7 or more) and in total, model by model, with the mean"
            + " absolute error that clv.model auto selects by. Prints the models side by side and writes the table (the"
            + " columns of clv_holdout) to <warehouse>/" + ValidateClvCommand.FOLDER
            + "/calibration_end=<date>/ (Parquet). Publishes nothing else."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the configured model (clv.model; for auto, at least one model) was fitted",
        "1:it could not be fitted (the reason is printed)", "2:usage or configuration error"},
    footerHeading = "%nExamples:%n",
    footer = {
        "  rapport validate-clv --calibration-end 2025-02-28",
        "  rapport validate-clv --calibration-end 2025-02-28 --holdout-end 2025-08-31",
        "  rapport validate-clv --calibration-end 2025-02-28 --json"})
final class ValidateClvCommand implements Callable<Integer> {
  /**
   * Where the command writes. Not {@code clv_holdout}: runs publish that table partitioned by
   * as_of_date, and a second partition column in the same folder would break reading it (C-5).
   */
  static final String FOLDER = "clv_validation";

  @Option(names = "--calibration-end", required = true, paramLabel = "DATE",
      description = "Last day (yyyy-MM-dd, inclusive) of the calibration period the models are fitted on.")
  String calibrationEnd;

  @Option(names = "--holdout-end", paramLabel = "DATE",
      description = "Last day of the holdout period (inclusive). Default: the last purchase day in the inputs.")
  String holdoutEnd;

  @Option(names = "--config", paramLabel = "FILE", description = "Configuration file. Default: config/rapport.yaml.")
  Path config;

  @Option(names = "--json", description = "Print the fits and the table as JSON instead of text.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    LoadedSettings loaded = Settings.load(config);
    RapportSettings settings = loaded.settings();
    LocalDate calibration = parseDate("--calibration-end", calibrationEnd);
    LocalDate holdout = parseDate("--holdout-end", holdoutEnd);
    if (holdout != null) {
      requireHoldoutAfter(calibration, holdout);
    }
    SparkSession spark = SparkSessions.create(settings, "rapport validate-clv");
    try {
      if (holdout == null) {
        holdout = Staging.latestEventDate(spark, settings).orElseThrow(() -> new ConfigurationException(
            "Cannot choose a holdout end: the purchases input has no valid purchase; pass --holdout-end DATE"));
        System.err.println("rapport: no --holdout-end given; using the last purchase day in the inputs, " + holdout);
      }
      requireHoldoutAfter(calibration, holdout);
      StagingResult staged = Staging.stage(spark, SourceName.PURCHASES, settings, holdout);
      Dataset<Row> purchaseDays = CustomerPurchaseDays.build(FactOrders.build(staged.accepted(), settings.reporting().timeZone()))
          .persist(StorageLevel.MEMORY_AND_DISK());
      HoldoutValidation.Result result = HoldoutValidation.validate(purchaseDays, calibration, holdout, settings.clv());
      org.apache.hadoop.fs.Path folder = new org.apache.hadoop.fs.Path(
          new WarehouseLayout(settings.warehouse()).table(FOLDER), "calibration_end=" + calibration);
      TableIo.write(result.table(), folder);
      // At most 27 aggregate rows: read back what was written, so the printout is the table.
      List<Row> rows = new ArrayList<>(TableIo.read(spark, folder, HoldoutValidation.TABLE.schema()).collectAsList());
      List<ModelFit> fits = result.fits().purchaseFits();
      List<String> order = fits.stream().map(ModelFit::model).toList();
      rows.sort(Comparator.comparing((Row r) -> order.indexOf(r.<String>getAs(HoldoutValidation.MODEL)))
          .thenComparing(r -> r.isNullAt(r.fieldIndex(HoldoutValidation.MIN_FREQUENCY)) ? Long.MAX_VALUE
              : r.<Long>getAs(HoldoutValidation.MIN_FREQUENCY)));
      double unitDays = settings.clv().timeUnitDays();
      if (json) {
        System.out.println(JsonFiles.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(
            asJson(fits, calibration, holdout, unitDays, rows, folder.toString())));
      } else {
        System.out.print(render(fits, calibration, holdout, unitDays, rows, folder.toString()));
      }
      List<ModelFit> configured = settings.clv().model() == ClvModelChoice.AUTO ? fits
          : fits.stream().filter(f -> f.model().equals(settings.clv().model().id())).toList();
      if (configured.stream().noneMatch(ModelFit::converged)) {
        for (ModelFit f : configured) {
          System.err.println("rapport: the " + f.model() + " model could not be fitted on the calibration period: "
              + f.failureReason());
        }
        return Rapport.EXIT_FAILED;
      }
      return Rapport.EXIT_OK;
    } finally {
      spark.stop();
    }
  }

  private static void requireHoldoutAfter(LocalDate calibration, LocalDate holdout) {
    if (!holdout.isAfter(calibration)) {
      throw new ConfigurationException("Cannot run the CLV holdout check: the holdout end " + holdout
          + " must be after --calibration-end " + calibration);
    }
  }

  static LocalDate parseDate(String option, String text) {
    if (text == null) {
      return null;
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new ConfigurationException(option + " '" + text + "' is not a date in the form yyyy-MM-dd");
    }
  }

  static String render(List<ModelFit> fits, LocalDate calibration, LocalDate holdout, double unitDays, List<Row> rows,
      String folder) {
    String unit = ClvModelTable.timeUnitName(unitDays);
    StringBuilder sb = new StringBuilder();
    sb.append("CLV holdout check: purchase models fitted on purchase days up to ").append(calibration).append('\n');
    for (ModelFit fit : fits) {
      sb.append(String.format(Locale.ROOT, "  %-11s", fit.model()));
      if (fit.converged()) {
        sb.append(fit.customers()).append(" customers, ");
        fit.parameters().forEach((k, v) -> sb.append(k).append('=').append(String.format(Locale.ROOT, "%.4g", v)).append(' '));
        sb.append(String.format(Locale.ROOT, "(time unit %s), log-likelihood %.1f, %d iterations%n", unit, fit.logLikelihood(),
            fit.iterations()));
        if (fit.warning() != null) {
          sb.append("              warning: ").append(fit.warning()).append('\n');
        }
      } else {
        sb.append("NOT FITTED: ").append(fit.failureReason()).append('\n');
      }
    }
    double length = rows.isEmpty() ? 0 : rows.get(0).<Double>getAs(HoldoutValidation.HOLDOUT_LENGTH);
    sb.append(String.format(Locale.ROOT, "Holdout %s .. %s (t = %.2f, time unit %s): repeat purchase days per customer%n%n",
        calibration.plusDays(1), holdout, length, unit));
    // Side by side: one row per bucket, the actuals once, then each model's predicted mean and MAE.
    Map<String, Map<String, Row>> byBucket = new LinkedHashMap<>();
    for (Row r : rows) {
      byBucket.computeIfAbsent(r.<String>getAs(HoldoutValidation.FREQUENCY_BUCKET), k -> new LinkedHashMap<>())
          .put(r.<String>getAs(HoldoutValidation.MODEL), r);
    }
    sb.append(String.format(Locale.ROOT, "%-14s %10s %12s", "calibration x", "customers", "actual mean"));
    for (ModelFit f : fits) {
      sb.append(String.format(Locale.ROOT, " %22s", f.model() + " pred / MAE"));
    }
    sb.append('\n');
    for (Map.Entry<String, Map<String, Row>> e : byBucket.entrySet()) {
      Row any = e.getValue().values().iterator().next();
      sb.append(String.format(Locale.ROOT, "%-14s %10d %12.3f", e.getKey(), any.<Long>getAs(HoldoutValidation.CUSTOMERS),
          any.<Double>getAs(HoldoutValidation.ACTUAL_MEAN)));
      for (ModelFit f : fits) {
        Row r = e.getValue().get(f.model());
        sb.append(String.format(Locale.ROOT, " %22s", r == null ? "-"
            : number(r.getAs(HoldoutValidation.PREDICTED_MEAN), "%.3f") + " / "
                + number(r.getAs(HoldoutValidation.MEAN_ABSOLUTE_ERROR), "%.3f")));
      }
      sb.append('\n');
    }
    if (rows.isEmpty()) {
      sb.append("(no customer purchased up to the calibration end)\n");
    }
    sb.append("\nclv.model auto would select the lowest total MAE among converged fits. Written to ").append(folder).append('\n');
    return sb.toString();
  }

  private static String number(Double v, String format) {
    return v == null ? "-" : String.format(Locale.ROOT, format, v);
  }

  static Map<String, Object> asJson(List<ModelFit> fits, LocalDate calibration, LocalDate holdout, double unitDays,
      List<Row> rows, String folder) {
    List<Map<String, Object>> models = new ArrayList<>();
    for (ModelFit fit : fits) {
      Map<String, Object> model = new LinkedHashMap<>();
      model.put("model", fit.model());
      model.put("converged", fit.converged());
      model.put("parameters", fit.parameters());
      model.put("log_likelihood", Double.isFinite(fit.logLikelihood()) ? fit.logLikelihood() : null);
      model.put("customers", fit.customers());
      model.put("iterations", fit.iterations());
      model.put("warning", fit.warning());
      model.put("failure_reason", fit.failureReason());
      models.add(model);
    }
    List<Map<String, Object>> table = new ArrayList<>();
    for (Row r : rows) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (String name : HoldoutValidation.TABLE.schema().fieldNames()) {
        Object v = r.getAs(name);
        m.put(name, v instanceof java.sql.Date d ? d.toLocalDate().toString() : v);
      }
      table.add(m);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("calibration_end", calibration.toString());
    out.put("holdout_end", holdout.toString());
    out.put("time_unit_days", unitDays);
    out.put("fits", models);
    out.put("buckets", table);
    out.put("path", folder);
    return out;
  }
}
