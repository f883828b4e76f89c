package io.rapport.marts;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.types.DataTypes.StringType;

import io.rapport.intermediate.ReportingCalendar;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The period x dimension grid shared by nps_summary, csat_summary and review_summary: each event
 * row once per period (month, quarter) and once per dimension it has a value in.
 */
final class VoicePeriods {
  private VoicePeriods() {}

  /**
   * Adds period_type and period_start, one copy of each row per period type: the month and the
   * quarter that contain the instant's calendar day in the reporting zone.
   */
  static Dataset<Row> explodePeriods(Dataset<Row> frame, Column instant, ZoneId reportingZone) {
    Column day = ReportingCalendar.dayOf(instant, reportingZone);
    Column periods = array(
        struct(lit(NpsSummary.PERIOD_MONTH).as(NpsSummary.PERIOD_TYPE), trunc(day, "month").as(NpsSummary.PERIOD_START)),
        struct(lit(NpsSummary.PERIOD_QUARTER).as(NpsSummary.PERIOD_TYPE), trunc(day, "quarter").as(NpsSummary.PERIOD_START)));
    return frame
        .withColumn("_period", explode(periods))
        .withColumn(NpsSummary.PERIOD_TYPE, col("_period." + NpsSummary.PERIOD_TYPE))
        .withColumn(NpsSummary.PERIOD_START, col("_period." + NpsSummary.PERIOD_START))
        .drop("_period");
  }

  /**
   * Adds dimension and dimension_value, one copy of each row per dimension in which the row has a
   * value: always {@code overall} (value null), and each named dimension whose value is not null.
   * One explode instead of one aggregation per dimension.
   *
   * @param dimensions dimension name to the column giving its value (cast to string)
   */
  static Dataset<Row> explodeDimensions(Dataset<Row> frame, Map<String, Column> dimensions) {
    List<Column> pairs = new ArrayList<>();
    pairs.add(struct(lit(NpsSummary.DIMENSION_OVERALL).as(NpsSummary.DIMENSION), lit(null).cast(StringType).as(NpsSummary.DIMENSION_VALUE)));
    dimensions.forEach((name, value) ->
        pairs.add(struct(lit(name).as(NpsSummary.DIMENSION), value.cast(StringType).as(NpsSummary.DIMENSION_VALUE))));
    return frame
        .withColumn("_dimension", explode(array(pairs.toArray(Column[]::new))))
        .withColumn(NpsSummary.DIMENSION, col("_dimension." + NpsSummary.DIMENSION))
        .withColumn(NpsSummary.DIMENSION_VALUE, col("_dimension." + NpsSummary.DIMENSION_VALUE))
        .drop("_dimension")
        .filter(col(NpsSummary.DIMENSION).equalTo(NpsSummary.DIMENSION_OVERALL).or(col(NpsSummary.DIMENSION_VALUE).isNotNull()));
  }
}
