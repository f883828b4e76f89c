package io.rapport.cli;

import io.rapport.jobs.RapportErrors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.filter.AbstractFilter;
import org.apache.logging.log4j.core.filter.CompositeFilter;

/**
 * Keeps stack traces off stderr for failures Rapport expects and explains in one line (exit 1 from
 * a known cause, 2, 3), unless {@code --debug} or {@code RAPPORT_DEBUG=1}. Spring Batch's
 * {@code AbstractStep} logs every step failure at ERROR with its stack trace; a filter on that
 * logger drops the event when the failure is an expected one, and lets everything else through,
 * so an unexpected exception still shows its trace. Installed in code rather than in
 * config/log4j2.properties, because under spark-submit the cluster's logging configuration applies.
 */
final class FailureLogging {
  static final String DEBUG_ENV = "RAPPORT_DEBUG";
  static final String STEP_LOGGER = "org.springframework.batch.core.step.AbstractStep";
  private static final String STEP_FAILURE = "Encountered an error executing step";
  private static volatile boolean debug;
  private static boolean installed;

  private FailureLogging() {}

  /** Whether expected failures print their stack trace: {@code --debug}, or RAPPORT_DEBUG=1 in the environment. */
  static boolean debug() {
    return debug;
  }

  static synchronized void configure(boolean debugOption) {
    String env = System.getenv(DEBUG_ENV);
    debug = debugOption || "1".equals(env) || "true".equalsIgnoreCase(env);
    if (!installed) {
      installed = true;
      try {
        install();
      } catch (LinkageError | RuntimeException e) {
        // Another logging backend than Log4j 2: the traces stay, the one-line messages too.
      }
    }
  }

  private static void install() {
    if (!(LogManager.getContext(false) instanceof LoggerContext context)) {
      return;
    }
    addFilter(context);
    // Spark replaces a default Log4j configuration with its own when its context starts; the
    // filter goes into every configuration the logging context gets.
    context.addPropertyChangeListener(event -> {
      if (LoggerContext.PROPERTY_CONFIG.equals(event.getPropertyName())) {
        addFilter(context);
      }
    });
  }

  private static synchronized void addFilter(LoggerContext context) {
    Configuration config = context.getConfiguration();
    LoggerConfig current = config.getLoggerConfig(STEP_LOGGER);
    if (current.getName().equals(STEP_LOGGER) && hasOurFilter(current.getFilter())) {
      return;
    }
    if (current.getName().equals(STEP_LOGGER)) {
      current.addFilter(new ExpectedStepFailureFilter());
    } else {
      // No logger of its own yet: one that inherits level and appenders and only adds the filter.
      LoggerConfig own = LoggerConfig.newBuilder().withLoggerName(STEP_LOGGER).withAdditivity(true)
          .withLevel(current.getLevel()).withConfig(config).withtFilter(new ExpectedStepFailureFilter()).build();
      config.addLogger(STEP_LOGGER, own);
    }
    context.updateLoggers();
  }

  private static boolean hasOurFilter(Filter filter) {
    if (filter instanceof CompositeFilter composite) {
      return java.util.Arrays.stream(composite.getFiltersArray()).anyMatch(f -> f instanceof ExpectedStepFailureFilter);
    }
    return filter instanceof ExpectedStepFailureFilter;
  }

  /** Drops Spring Batch's "Encountered an error executing step" event when its exception is an expected failure. */
  static final class ExpectedStepFailureFilter extends AbstractFilter {
    ExpectedStepFailureFilter() {
      super(Filter.Result.NEUTRAL, Filter.Result.NEUTRAL);
    }

    @Override
    public Filter.Result filter(LogEvent event) {
      return !debug && event.getThrown() != null && RapportErrors.isExpected(event.getThrown())
          && event.getMessage() != null && event.getMessage().getFormattedMessage().startsWith(STEP_FAILURE)
          ? Filter.Result.DENY : Filter.Result.NEUTRAL;
    }
  }
}
