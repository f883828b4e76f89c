package io.rapport.jobs;

import io.rapport.config.RapportSettings;
import java.io.FileWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the one Spark session of a process. Under spark-submit the master and resources come
 * from spark-submit; run directly (bin/rapport) it is local Spark on all cores, bound to
 * 127.0.0.1 with the UI off. Entries under {@code spark:} in the configuration are applied last.
 *
 * <p>With the system property {@value #JOB_TIMES_PROPERTY} set to a file, every Spark job's
 * description and wall time are appended to it (tab-separated), for the benchmark.
 */
public final class SparkSessions {
  /** System property naming the file that receives one line per finished Spark job. */
  public static final String JOB_TIMES_PROPERTY = "rapport.bench.job-times";

  private SparkSessions() {}

  public static SparkSession create(RapportSettings settings, String appName) {
    SparkConf conf = new SparkConf();
    boolean local = !conf.contains("spark.master");
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    if (local) {
      long inputBytes = sourceBytes(settings);
      builder.master("local[*]")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.sql.shuffle.partitions", String.valueOf(shufflePartitions(inputBytes)))
          .config("spark.sql.files.minPartitionNum", String.valueOf(scanSplits(inputBytes)));
      expressionEvaluation(inputBytes).forEach(builder::config);
      builder.config("spark.hadoop.fs.file.impl", FORKLESS_LOCAL_FILE_SYSTEM);
    }
    // Results must not depend on the machine's zone: instants are UTC, calendars use the
    // reporting zone explicitly.
    builder.config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.sql.adaptive.coalescePartitions.enabled", "true")
        // parallelismFirst (the default) keeps at least one post-shuffle partition per core and
        // merges the rest to >= 1 MB: "false" (64 MB partitions) left one of two cores idle on
        // every customer-level stage below 64 MB. Small outputs are one file either way.
        .config("spark.sql.adaptive.coalescePartitions.parallelismFirst", "true")
        // Staging passes the files it already listed on the driver; above the default 32 paths
        // Spark would list them again in a Spark job of one task per file (10 s per source
        // for 609 daily files on two cores).
        .config("spark.sql.sources.parallelPartitionDiscovery.threshold", "10000")
        // Staging caches wide string frames; building the compressed columnar cache (dictionary
        // statistics in a Scala hash map per string column) was the hottest code of the ingest
        // step. Uncompressed batches cost memory, which MEMORY_AND_DISK spills.
        .config("spark.sql.inMemoryColumnarStorage.compressed", "false")
        // Spark generates whole-stage code up to 64 KB of bytecode per method, but HotSpot never
        // JIT-compiles a method above 8,000 bytes unless started with -XX:-DontCompileHugeMethods:
        // staging's one-pass validation (every rule of every column in one stage) then ran
        // interpreted. Where the JVMs that run tasks compile huge methods (bin/spark-java-options
        // adds the flag) the fused stage is kept: purchases staging of 1.29M lines 27.0 s -> 13.4 s
        // warm. Elsewhere Spark is held to the JIT's limit and runs such a stage per operator
        // (decision S8: 198.5 s -> 60.7 s against the interpreted stage).
        .config("spark.sql.codegen.hugeMethodLimit", compilesHugeMethods(local, conf, settings) ? "65535" : "8000")
        .config("spark.sql.parquet.compression.codec", "zstd")
        .config("spark.sql.sources.partitionOverwriteMode", "dynamic");
    for (Map.Entry<String, String> entry : settings.spark().entrySet()) {
      builder.config(entry.getKey(), entry.getValue());
    }
    SparkSession spark = builder.getOrCreate();
    if (local) {
      spark.sparkContext().setLogLevel("WARN");
    }
    String jobTimes = System.getProperty(JOB_TIMES_PROPERTY);
    if (jobTimes != null && !jobTimes.isBlank()) {
      spark.sparkContext().addSparkListener(new JobTimes(jobTimes));
    }
    return spark;
  }

  /** The JVM flag that lets HotSpot JIT-compile methods above 8,000 bytes of bytecode. */
  public static final String COMPILE_HUGE_METHODS = "-XX:-DontCompileHugeMethods";

  /**
   * Whether the JVMs that run tasks JIT-compile huge methods: locally this JVM's own flag; under
   * spark-submit whether {@code spark.executor.extraJavaOptions} (spark-submit's or the
   * configuration's {@code spark:} entry) carries {@link #COMPILE_HUGE_METHODS}.
   */
  static boolean compilesHugeMethods(boolean local, SparkConf conf, RapportSettings settings) {
    if (local) {
      try {
        return "false".equals(java.lang.management.ManagementFactory
            .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
            .getVMOption("DontCompileHugeMethods").getValue());
      } catch (RuntimeException e) {
        return false; // not HotSpot: keep the conservative limit
      }
    }
    String options = settings.spark().getOrDefault("spark.executor.extraJavaOptions",
        conf.get("spark.executor.extraJavaOptions", ""));
    return Arrays.asList(options.trim().split("\\s+")).contains(COMPILE_HUGE_METHODS);
  }

  /**
   * Local inputs below this size are run with Spark's expression interpreter instead of generated
   * code. On inputs this small a query's cost is its fixed work, and compiling the generated Java
   * of each stage (Janino, then the JIT) is much of it: the samples (0.46 MB, 3,509 rows) took
   * 23.1 s of step time interpreted against 30.5 s compiled; at 1.5 MB the two were even, and at
   * 13 MB interpreting took 57 s against 36 s (decision A11).
   */
  static final long INTERPRET_BELOW_BYTES = 1L << 20;

  /**
   * How a local session evaluates expressions for this much input: both settings are given either
   * way, because a process that runs several jobs (the tests) reuses one session. Unknown sizes
   * (0: the inputs could not be listed) are compiled. {@code spark.sql.codegen.factoryMode} is an
   * internal Spark setting; NO_CODEGEN makes projections, predicates and orderings interpreted as
   * well, which whole-stage code generation alone does not (decision A11).
   */
  static Map<String, String> expressionEvaluation(long inputBytes) {
    boolean interpret = inputBytes > 0 && inputBytes < INTERPRET_BELOW_BYTES;
    return Map.of("spark.sql.codegen.wholeStage", String.valueOf(!interpret),
        "spark.sql.codegen.factoryMode", interpret ? "NO_CODEGEN" : "FALLBACK");
  }

  /**
   * Local shuffle partitions sized to the inputs: about one per 32 MB of input files (the widest
   * shuffle, de-duplication, moves every column plus the raw record), at least two per core, at
   * most 400; adaptive execution coalesces what turns out smaller.
   */
  static int shufflePartitions(long bytes) {
    int cores = Runtime.getRuntime().availableProcessors();
    long wanted = (bytes + (32L << 20) - 1) / (32L << 20);
    return (int) Math.max(2L * cores, Math.min(400L, wanted));
  }

  /**
   * The least number of splits of a file scan. Spark packs files into about one split per core:
   * the 211 MB staged purchase history of 10M lines was read in 3 tasks on 2 cores, one core idle
   * a third of the time, and four splits per core cut that ingest from 114.9 s to 95.5 s
   * (bench/README.md). Small inputs keep Spark's default: more tasks over a few MB only add
   * scheduling (the samples).
   */
  static int scanSplits(long inputBytes) {
    int cores = Runtime.getRuntime().availableProcessors();
    return inputBytes >= (128L << 20) * cores ? 4 * cores : cores;
  }

  private static long sourceBytes(RapportSettings settings) {
    long bytes = 0;
    RapportSettings.Sources s = settings.sources();
    for (RapportSettings.Source source : Arrays.asList(s.purchases(), s.surveys(), s.reviews())) {
      if (source != null && source.path() != null) {
        bytes += inputBytes(source.path());
      }
    }
    return bytes;
  }

  private static final String FORKLESS_LOCAL_FILE_SYSTEM = ForklessLocalFileSystem.class.getName();

  private static long inputBytes(String path) {
    try {
      Path pattern = new Path(path);
      // Hadoop caches one file system per scheme for the process, whatever the configuration of
      // later lookups: this is the first local one, so it must already be the forkless one.
      Configuration conf = new Configuration();
      conf.set("fs.file.impl", FORKLESS_LOCAL_FILE_SYSTEM);
      FileSystem fs = pattern.getFileSystem(conf);
      FileStatus[] matches = fs.globStatus(pattern);
      long total = 0;
      if (matches != null) {
        for (FileStatus m : matches) {
          total += m.isDirectory() ? fs.getContentSummary(m.getPath()).getLength() : m.getLen();
        }
      }
      return total;
    } catch (IOException | RuntimeException e) {
      return 0; // sizing is a hint; staging reports unreadable inputs properly
    }
  }

  /** Appends "seconds, stages, tasks, group, description" of each finished job to a file. */
  static final class JobTimes extends SparkListener {
    private final String file;
    private final Map<Integer, SparkListenerJobStart> started = new ConcurrentHashMap<>();

    JobTimes(String file) {
      this.file = file;
    }

    @Override
    public void onJobStart(SparkListenerJobStart start) {
      started.put(start.jobId(), start);
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd end) {
      SparkListenerJobStart start = started.remove(end.jobId());
      if (start == null) {
        return;
      }
      Properties p = start.properties();
      String group = p == null ? "" : p.getProperty("spark.jobGroup.id", "");
      String description = p == null ? "" : p.getProperty("spark.job.description", "");
      int tasks = 0;
      for (int i = 0; i < start.stageInfos().size(); i++) {
        tasks += start.stageInfos().apply(i).numTasks();
      }
      String line = String.format(Locale.ROOT, "%.3f\t%d\t%d\t%s\t%s%n", (end.time() - start.time()) / 1000.0,
          start.stageInfos().size(), tasks, group, description.replace('\t', ' ').replace('\n', ' '));
      synchronized (this) {
        try (PrintWriter out = new PrintWriter(new FileWriter(file, true))) {
          out.print(line);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }
}
