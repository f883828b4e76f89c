package io.rapport.cli;

import io.rapport.config.RapportSettings;
import io.rapport.config.SettingsLoader.LoadedSettings;
import io.rapport.jobs.RapportErrors;
import io.rapport.jobs.SparkSessions;
import io.rapport.staging.DayReadiness;
import io.rapport.staging.SourceInspection;
import io.rapport.staging.SourceName;
import io.rapport.staging.Staging;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import scala.Tuple2;

@Command(name = "validate", mixinStandardHelpOptions = true,
    description = {"Check the configuration and the inputs without running, or with --require-day whether a day's inputs have landed.",
        "",
        "Without --require-day: the files each source would read, the mapped columns found or missing, and a"
            + " sample of rows that would be rejected, with reasons (reads the inputs with local Spark).",
        "",
        "With --as-of DATE --require-day: only whether each source's day folder for DATE exists and holds its "
            + DayReadiness.MARKER + " marker (docs/operations.md, \"Readiness check\"); lists folders, reads no rows,"
            + " starts no Spark."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:a run could start (with --require-day: the day's inputs are complete)",
        "1:with --require-day: the day's inputs are not complete yet; check again later",
        "2:the configuration, an input path or an input header is wrong, or a usage error"},
    footerHeading = "%nExamples:%n",
    footer = {
        "  rapport validate",
        "  rapport validate --config config/examples/uci-online-retail.yaml --sample 10",
        "  rapport validate --as-of 2025-08-31 --require-day --json  # before a run"})
final class ValidateCommand implements Callable<Integer>, JsonOutput.JsonCommand {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "Configuration file. Default: config/rapport.yaml.")
  Path config;

  @Option(names = "--sample", paramLabel = "N", defaultValue = "5", description = "Rejected rows to show per source (default ${DEFAULT-VALUE}).")
  int sample;

  @Option(names = "--as-of", paramLabel = "DATE", description = "The day whose inputs --require-day checks (yyyy-MM-dd).")
  String asOf;

  @Option(names = "--require-day", description = "Check only that the day's folder of every required source exists and is complete.")
  boolean requireDay;

  @Option(names = "--json", description = "Print one JSON document instead of text (its fields: docs/json-output.md).")
  boolean json;

  @Override
  public boolean json() {
    return json;
  }

  @Override
  public Integer call() {
    if (requireDay && asOf == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--require-day needs --as-of DATE");
    }
    if (asOf != null && !requireDay) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--as-of is only used with --require-day");
    }
    LoadedSettings loaded = Settings.load(config);
    LocalDate day = RunCommand.parseDate(asOf);
    return requireDay ? readiness(loaded, day) : inspection(loaded);
  }

  private int readiness(LoadedSettings loaded, LocalDate day) {
    DayReadiness.Result result = DayReadiness.check(loaded.settings(), day, hadoopConfiguration(loaded.settings()));
    int exitCode = result.ready() ? 0 : Rapport.EXIT_FAILED;
    if (json) {
      Map<String, Object> error = null;
      String hint = null;
      if (!result.ready()) {
        DayReadiness.SourceDay first = result.sources().stream().filter(s -> !s.ready()).findFirst().orElseThrow();
        error = JsonOutput.error(new RapportErrors.Details(RapportErrors.KIND_NOT_READY,
            "Inputs for " + day + " are not complete: " + String.join("; ", result.problems()), "day_not_ready",
            first.source(), null, null, first.dayFolder(), null, null));
        hint = NextSteps.afterFailure(RapportErrors.KIND_NOT_READY, "day_not_ready", null, "validate");
      }
      Map<String, Object> doc = base(loaded, result.ready() ? "READY" : "NOT_READY", exitCode, error, hint);
      doc.put("readiness", readinessJson(result));
      doc.put("sources", List.of());
      JsonOutput.print(doc);
    } else {
      System.out.println("Configuration " + loaded.file() + " is valid (digest " + loaded.digest().substring(0, 12) + ")");
      System.out.printf("Inputs for %s: %s (rule: each day folder holds a %s marker)%n", day,
          result.ready() ? "READY" : "NOT READY", DayReadiness.MARKER);
      for (DayReadiness.SourceDay s : result.sources()) {
        String where = s.dayFolder() != null ? s.dayFolder() + ", " + s.dataFiles() + " data file(s)"
            : s.path() == null ? "not configured" : "path " + s.path() + " has no day folder, " + s.dataFiles() + " file(s)";
        String state = !s.ready() ? s.problem() : s.dayFolder() != null && !s.folderExists() ? "no day folder (optional: nothing to wait for)"
            : "ready, " + where;
        System.out.printf("  %-10s (%s): %s%n", s.source(), s.required() ? "required" : "optional", state);
      }
    }
    if (!result.ready()) {
      System.err.println("rapport: Inputs for " + day + " are not complete: " + String.join("; ", result.problems()));
    }
    return exitCode;
  }

  private int inspection(LoadedSettings loaded) {
    if (!json) {
      System.out.println("Configuration " + loaded.file() + " is valid (digest " + loaded.digest().substring(0, 12) + ")");
    }
    SparkSession spark = SparkSessions.create(loaded.settings(), "rapport validate");
    try {
      List<SourceInspection> inspections = new ArrayList<>();
      for (SourceName source : SourceName.values()) {
        SourceInspection inspection = Staging.inspect(spark, source, loaded.settings(), sample);
        inspections.add(inspection);
        if (!json) {
          System.out.println();
          System.out.println(inspection.render());
        }
      }
      List<String> problems = inspections.stream().flatMap(i -> i.problems().stream()
          .map(p -> p.startsWith("Cannot read ") ? p : i.source().id() + ": " + p)).toList();
      int exitCode = problems.isEmpty() ? 0 : Rapport.EXIT_USAGE;
      if (json) {
        Map<String, Object> error = null;
        String hint = null;
        if (!problems.isEmpty()) {
          SourceInspection first = inspections.stream().filter(i -> !i.ok()).findFirst().orElseThrow();
          RapportErrors.Details parsed = parseProblem(first);
          error = JsonOutput.error(new RapportErrors.Details(parsed.kind(), String.join("; ", problems), parsed.rule(),
              parsed.source() == null ? first.source().id() : parsed.source(), parsed.file(), parsed.column(),
              parsed.path(), parsed.key(), null));
          hint = NextSteps.afterFailure(RapportErrors.KIND_INPUT_CONTRACT, parsed.rule(), null, "validate");
        }
        Map<String, Object> doc = base(loaded, problems.isEmpty() ? "VALID" : "PROBLEMS", exitCode, error, hint);
        doc.put("readiness", null);
        doc.put("sources", inspections.stream().map(ValidateCommand::inspectionJson).toList());
        JsonOutput.print(doc);
      }
      return exitCode;
    } finally {
      spark.stop();
    }
  }

  /** Staging reports a missing path as "path X matches no file"; a run says "Cannot read source: path X ...". */
  private static RapportErrors.Details parseProblem(SourceInspection inspection) {
    String problem = inspection.problems().get(0);
    String asRunSaysIt = problem.startsWith("Cannot read ") ? problem : "Cannot read " + inspection.source().id() + ": " + problem;
    return RapportErrors.parse(RapportErrors.KIND_INPUT_CONTRACT, asRunSaysIt);
  }

  private Map<String, Object> base(LoadedSettings loaded, String status, int exitCode, Map<String, Object> error, String hint) {
    Map<String, Object> doc = JsonOutput.document("validate", status, exitCode, error, hint);
    doc.put("config_file", loaded == null ? null : loaded.file().toString());
    doc.put("config_digest", loaded == null ? null : loaded.digest());
    doc.put("as_of_date", asOf);
    doc.put("require_day", requireDay);
    return doc;
  }

  @Override
  public Map<String, Object> failureDocument(int exitCode, Map<String, Object> error) {
    Map<String, Object> doc = base(null, "FAILED", exitCode, error,
        NextSteps.afterFailure((String) error.get("kind"), (String) error.get("rule"), null, "validate"));
    doc.put("readiness", null);
    doc.put("sources", List.of());
    return doc;
  }

  private static Map<String, Object> readinessJson(DayReadiness.Result result) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("as_of_date", result.day().toString());
    m.put("ready", result.ready());
    m.put("marker", DayReadiness.MARKER);
    m.put("sources", result.sources().stream().map(s -> {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("source", s.source());
      r.put("required", s.required());
      r.put("path", s.path());
      r.put("day_folder", s.dayFolder());
      r.put("folder_exists", s.folderExists());
      r.put("marker_present", s.markerPresent());
      r.put("data_files", s.dataFiles());
      r.put("ready", s.ready());
      r.put("problem", s.problem());
      return r;
    }).toList());
    return m;
  }

  private static Map<String, Object> inspectionJson(SourceInspection i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("source", i.source().id());
    m.put("required", i.required());
    m.put("path", i.path());
    m.put("format", i.format());
    m.put("ok", i.ok());
    m.put("files", i.files().size());
    m.put("problems", i.problems());
    List<Map<String, Object>> missing = new ArrayList<>();
    for (SourceInspection.FileCheck f : i.files()) {
      f.missingColumns().forEach((column, canonical) -> {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("file", f.file());
        c.put("column", column);
        c.put("canonical", canonical);
        missing.add(c);
      });
    }
    m.put("missing_columns", missing);
    m.put("rows_read", i.rowsRead());
    m.put("would_reject", i.rejectedByReason().values().stream().mapToLong(Long::longValue).sum());
    m.put("rejected_by_reason", new java.util.TreeMap<>(i.rejectedByReason()));
    m.put("sample_rejects", i.sampleRejects().stream().map(s -> {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("file", s.file());
      r.put("reason_code", s.reasonCode());
      r.put("reason_detail", s.reasonDetail());
      r.put("raw_record", s.rawRecord());
      return r;
    }).toList());
    return m;
  }

  /**
   * The Hadoop configuration Spark would give the run, without starting Spark: {@code spark.hadoop.*}
   * entries from spark-submit's properties and from the configuration's {@code spark:} block.
   */
  static Configuration hadoopConfiguration(RapportSettings settings) {
    Configuration conf = new Configuration();
    for (Tuple2<String, String> entry : new SparkConf().getAll()) {
      if (entry._1().startsWith("spark.hadoop.")) {
        conf.set(entry._1().substring("spark.hadoop.".length()), entry._2());
      }
    }
    settings.spark().forEach((key, value) -> {
      if (key.startsWith("spark.hadoop.")) {
        conf.set(key.substring("spark.hadoop.".length()), value);
      }
    });
    return conf;
  }
}
