package io.rapport.intermediate;

import static org.apache.spark.sql.functions.from_utc_timestamp;
import static org.apache.spark.sql.functions.to_date;

import java.time.ZoneId;
import org.apache.spark.sql.Column;

/** Calendar values of UTC instants in the reporting zone (SPEC 3: days, weeks and months are local). */
public final class ReportingCalendar {
  private ReportingCalendar() {}

  /** The reporting-zone calendar day of a UTC instant. */
  public static Column dayOf(Column instant, ZoneId reportingZone) {
    return to_date(from_utc_timestamp(instant, reportingZone.getId()));
  }
}
