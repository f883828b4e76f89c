package io.rapport.generate;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;

/**
 * Test-scope entry point until the CLI exists: regenerates {@code data-samples/} (no arguments,
 * run from the project root) or any data set, printing the summary, the elapsed time and the
 * peak heap. {@code java -cp pipeline-core/target/classes:pipeline-core/target/test-classes
 * io.rapport.generate.GenerateSample [customers seed out badRowRate]}
 */
public final class GenerateSample {
  private GenerateSample() {}

  public static void main(String[] args) throws Exception {
    int customers = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 42;
    Path out = Path.of(args.length > 2 ? args[2] : "data-samples");
    double rate = args.length > 3 ? Double.parseDouble(args[3]) : 0.01;
    long started = System.nanoTime();
    GenerationSummary summary = SyntheticDataGenerator.generate(GeneratorOptions.defaults(customers, seed, out).withBadRowRate(rate));
    double seconds = (System.nanoTime() - started) / 1e9;
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.print(summary.toText());
    System.out.printf("elapsed %.1f s, peak heap (sum of pool peaks) %d MB, max heap %d MB%n",
        seconds, peak >> 20, Runtime.getRuntime().maxMemory() >> 20);
  }
}
