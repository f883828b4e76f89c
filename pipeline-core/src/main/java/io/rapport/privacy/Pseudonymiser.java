package io.rapport.privacy;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rapport.config.RapportSettings;
import io.rapport.errors.ConfigurationException;
import io.rapport.schema.StagedSchemas;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Replaces customer identifiers by a keyed hash (HMAC-SHA-256, first 128 bits in hex, prefixed
 * {@code p_}) so BI users never see raw identifiers. The same key gives the same pseudonym in
 * every table and every run, so joins and history keep working; without the key the mapping
 * cannot be recomputed or reversed. Applied once, to the staged inputs and the rejects, so every
 * table built from them carries pseudonyms only.
 */
public final class Pseudonymiser {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String PREFIX = "p_";
  /** What a rejected row's raw record becomes when it cannot be pseudonymised field by field. */
  public static final String WITHHELD = "[raw record withheld: customer ids are pseudonymised]";

  private Pseudonymiser() {}

  /** The key from the environment variable named in {@code privacy.key-env}; an error when unset. */
  public static byte[] key(RapportSettings.Privacy privacy) {
    String value = System.getenv(privacy.keyEnv());
    if (value == null || value.length() < 16) {
      throw new ConfigurationException("privacy.pseudonymise-customer-ids is on, but the environment variable "
          + privacy.keyEnv() + " " + (value == null ? "is not set" : "is shorter than 16 characters")
          + "; set it to a secret key (it is never written to the configuration, logs or outputs)");
    }
    return value.getBytes(StandardCharsets.UTF_8);
  }

  public static String pseudonym(byte[] key, String id) {
    if (id == null) {
      return null;
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] digest = mac.doFinal(id.getBytes(StandardCharsets.UTF_8));
      return PREFIX + HexFormat.of().formatHex(digest, 0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** The frame with its {@code customer_id} column replaced by pseudonyms (nulls stay null). */
  public static Dataset<Row> withPseudonymousCustomerIds(Dataset<Row> frame, byte[] key) {
    UserDefinedFunction hash = udf((UDF1<String, String>) id -> pseudonym(key, id), DataTypes.StringType);
    return frame.withColumn(StagedSchemas.CUSTOMER_ID, hash.apply(col(StagedSchemas.CUSTOMER_ID)));
  }

  /**
   * Rejects with the customer field of each raw record (rendered as JSON by staging) replaced by
   * its pseudonym. A raw record that is not a JSON object (a malformed line) is withheld, since
   * its identifier cannot be located reliably.
   *
   * @param customerColumnBySource the export's customer column per source ({@code purchases} ...)
   */
  public static Dataset<Row> withPseudonymousRawRecords(Dataset<Row> rejects, Map<String, String> customerColumnBySource, byte[] key) {
    UserDefinedFunction rewrite = udf((UDF2<String, String, String>) (source, raw) ->
        rewriteRawRecord(raw, customerColumnBySource.get(source), key), DataTypes.StringType);
    return rejects.withColumn(StagedSchemas.RAW_RECORD,
        rewrite.apply(col(StagedSchemas.SOURCE), col(StagedSchemas.RAW_RECORD)));
  }

  static String rewriteRawRecord(String raw, String customerColumn, byte[] key) {
    if (raw == null) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(raw);
      if (!(node instanceof ObjectNode object) || customerColumn == null) {
        return WITHHELD;
      }
      JsonNode id = object.get(customerColumn);
      if (id != null && !id.isNull()) {
        object.put(customerColumn, pseudonym(key, id.asText()));
      }
      return JSON.writeValueAsString(object);
    } catch (Exception notJson) {
      return WITHHELD;
    }
  }
}
