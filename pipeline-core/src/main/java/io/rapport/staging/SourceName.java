package io.rapport.staging;

import io.rapport.config.RapportSettings;
import io.rapport.schema.StagedSchemas;
import java.util.Locale;
import org.apache.spark.sql.types.StructType;

/** The three input sources of SPEC section 2. */
public enum SourceName {
  PURCHASES(StagedSchemas.PURCHASES),
  SURVEYS(StagedSchemas.SURVEYS),
  REVIEWS(StagedSchemas.REVIEWS);

  private final StructType schema;

  SourceName(StructType schema) {
    this.schema = schema;
  }

  /** Lower-case name as used in the configuration, the rejects table and messages: "purchases". */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The staged (accepted) schema of this source. */
  public StructType schema() {
    return schema;
  }

  /** This source's settings ({@code sources.<id>}), or null when the block is absent. */
  public RapportSettings.Source settings(RapportSettings settings) {
    RapportSettings.Sources sources = settings.sources();
    return switch (this) {
      case PURCHASES -> sources.purchases();
      case SURVEYS -> sources.surveys();
      case REVIEWS -> sources.reviews();
    };
  }

  /**
   * Whether a missing input fails the run. Purchases are always required (every metric needs
   * them), whatever {@code required} says; surveys and reviews only with {@code required: true}.
   */
  public boolean isRequired(RapportSettings.Source source) {
    return this == PURCHASES || (source != null && Boolean.TRUE.equals(source.required()));
  }

  @Override
  public String toString() {
    return id();
  }
}
