package io.rapport.cli;

import io.rapport.jobs.SparkSessions;
import io.rapport.staging.SourceInspection;
import io.rapport.staging.SourceName;
import io.rapport.staging.Staging;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "validate", mixinStandardHelpOptions = true,
    description = {"Check the configuration and the inputs without running: the files each source would read,",
        "the mapped columns found or missing, and a sample of rows that would be rejected, with reasons.",
        "Exit code 0 when a run could start, 2 when the configuration or an input header is wrong."})
final class ValidateCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", description = "Configuration file. Default: config/rapport.yaml.")
  Path config;

  @Option(names = "--sample", paramLabel = "N", defaultValue = "5", description = "Rejected rows to show per source (default ${DEFAULT-VALUE}).")
  int sample;

  @Override
  public Integer call() {
    var loaded = Settings.load(config);
    System.out.println("Configuration " + loaded.file() + " is valid (digest " + loaded.digest().substring(0, 12) + ")");
    SparkSession spark = SparkSessions.create(loaded.settings(), "rapport validate");
    try {
      boolean ok = true;
      for (SourceName source : SourceName.values()) {
        SourceInspection inspection = Staging.inspect(spark, source, loaded.settings(), sample);
        System.out.println();
        System.out.print(inspection.render());
        ok &= inspection.ok();
      }
      return ok ? 0 : Rapport.EXIT_USAGE;
    } finally {
      spark.stop();
    }
  }
}
