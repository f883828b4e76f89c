package io.rapport.cli;

import io.rapport.config.SettingsLoader.LoadedSettings;
import io.rapport.errors.ConfigurationException;
import io.rapport.jobs.RunLauncher;
import io.rapport.jobs.SparkSessions;
import io.rapport.staging.Staging;
import io.rapport.warehouse.JsonFiles;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run the whole job for one as-of date: ingest and validate, facts, models and metrics, quality gate, publish.",
        "A completed date is not run again unless --force; a failed run is restarted by the same command."})
final class RunCommand implements Callable<Integer> {
  @Option(names = "--as-of", paramLabel = "DATE",
      description = "As-of date (yyyy-MM-dd), the scheduler's logical date. Default: the last purchase day in the inputs.")
  String asOf;

  @Option(names = "--config", paramLabel = "FILE", description = "Configuration file. Default: config/rapport.yaml.")
  Path config;

  @Option(names = "--force", description = "Run again even if the date is complete; replaces its snapshot.")
  boolean force;

  @Option(names = "--json", description = "Print the run's manifest as JSON instead of the summary.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    LoadedSettings loaded = Settings.load(config);
    LocalDate date = parseDate(asOf);
    SparkSession spark = SparkSessions.create(loaded.settings(), "rapport run");
    try {
      if (date == null) {
        date = Staging.latestEventDate(spark, loaded.settings()).orElseThrow(() -> new ConfigurationException(
            "Cannot choose an as-of date: the purchases input has no valid purchase; pass --as-of DATE"));
        System.err.println("rapport: no --as-of given; using the last purchase day in the inputs, " + date);
      }
      RunLauncher.Outcome outcome = RunLauncher.run(loaded, date, force, spark);
      if (json && outcome.manifest() != null) {
        System.out.println(JsonFiles.mapper().writeValueAsString(outcome.manifest()));
      } else {
        System.out.print(RunSummary.render(outcome, loaded.settings().warehouse()));
      }
      if (outcome.error() != null) {
        System.err.println("rapport: " + outcome.error());
      }
      return outcome.exitCode();
    } finally {
      spark.stop();
    }
  }

  static LocalDate parseDate(String text) {
    if (text == null) {
      return null;
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new ConfigurationException("--as-of '" + text + "' is not a date in the form yyyy-MM-dd");
    }
  }
}
