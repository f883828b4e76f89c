package io.rapport.cli;

import io.rapport.generate.GenerationSummary;
import io.rapport.generate.GeneratorOptions;
import io.rapport.generate.SyntheticDataGenerator;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {"Write synthetic inputs of all three sources and an exchange-rate file, the same files for the same seed.",
        "",
        "Purchases, surveys and reviews in daily folders, with realistic behaviour and a share of deliberately bad"
            + " rows (each rejected with its reason by a run)."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  rapport generate --customers 500 --seed 7 --out /tmp/rapport-input",
        "  rapport generate --customers 100000 --seed 1 --out big --bad-row-rate 0.005",
        "  rapport generate --customers 1000 --seed 2 --out half-year --end 2024-06-30"})
final class GenerateCommand implements Callable<Integer> {
  @Option(names = "--customers", paramLabel = "N", required = true, description = "Number of customers.")
  int customers;

  @Option(names = "--seed", paramLabel = "S", required = true, description = "Random seed.")
  long seed;

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output folder.")
  Path out;

  @Option(names = "--bad-row-rate", paramLabel = "R", defaultValue = "0.01", description = "Share of deliberately bad rows per source (default ${DEFAULT-VALUE}); options are checked by the generator.")
  double badRowRate;

  @Option(names = "--start", paramLabel = "DATE", defaultValue = "2024-01-01", description = "First day (default ${DEFAULT-VALUE}).")
  LocalDate start;

  @Option(names = "--end", paramLabel = "DATE", defaultValue = "2025-08-31", description = "Last day (default ${DEFAULT-VALUE}).")
  LocalDate end;

  @Override
  public Integer call() throws Exception {
    GenerationSummary summary = SyntheticDataGenerator.generate(new GeneratorOptions(customers, seed, out, badRowRate, start, end));
    System.out.print(summary.toText());
    return 0;
  }
}
