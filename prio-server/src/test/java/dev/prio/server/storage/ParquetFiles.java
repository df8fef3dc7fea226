package dev.prio.server.storage;

import dev.prio.parquet.Codecs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * Writes staged Parquet input for tests with Parquet's own writer, independently of the CLI's: the
 * schema, codec and row group size are the test's to choose. Compressed pages go through {@link
 * Codecs}, the only codecs without the Hadoop runtime; pages of another writer's codecs are in the
 * pyarrow fixtures ({@code src/test/resources/parquet}).
 */
public final class ParquetFiles {
  /** What {@code prio generate --format parquet} writes. */
  public static final MessageType STRING_IDS =
      schema("message s { required binary id (STRING); required binary payload; }");

  public static final MessageType LONG_IDS =
      schema("message s { required int64 id; required binary payload; }");

  /** Nullable columns, and one more column the servers must ignore. */
  public static final MessageType OPTIONAL =
      schema(
          "message s { optional int32 extra; optional binary id (STRING); optional binary"
              + " payload; }");

  /** {@code id} is a String, a Long or null (absent); {@code payload} null is absent. */
  public record Row(Object id, byte[] payload) {}

  private ParquetFiles() {}

  private static MessageType schema(String text) {
    return MessageTypeParser.parseMessageType(text);
  }

  /**
   * Writes the rows, starting a new row group once one holds about {@code rowGroupBytes} (checked
   * after every row, so small groups are really small).
   */
  public static Path write(
      Path file, MessageType schema, long rowGroupBytes, CompressionCodecName codec, List<Row> rows)
      throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    SimpleGroupFactory groups = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> w =
        ExampleParquetWriter.builder(new LocalOutputFile(file))
            .withConf(new PlainParquetConfiguration())
            .withType(schema)
            .withCodecFactory(new Codecs())
            .withCompressionCodec(codec)
            .withRowGroupSize(rowGroupBytes)
            .withMinRowCountForPageSizeCheck(1)
            .withMaxRowCountForPageSizeCheck(1)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .build()) {
      for (Row r : rows) {
        Group g = groups.newGroup();
        if (schema.containsField("extra")) {
          g.append("extra", 1);
        }
        if (r.id() instanceof Long l) {
          g.append("id", l);
        } else if (r.id() instanceof String s) {
          g.append("id", s);
        }
        if (r.payload() != null) {
          g.append("payload", Binary.fromConstantByteArray(r.payload()));
        }
        w.write(g);
      }
    }
    return file;
  }

  public static Path write(Path file, long rowGroupBytes, List<Row> rows) throws IOException {
    return write(file, STRING_IDS, rowGroupBytes, CompressionCodecName.UNCOMPRESSED, rows);
  }

  /** The codec of the file's first column chunk. */
  public static CompressionCodecName codec(Path file) throws IOException {
    try (ParquetFileReader r = open(file)) {
      return r.getRowGroups().get(0).getColumns().get(0).getCodec();
    }
  }

  private static ParquetFileReader open(Path file) throws IOException {
    return ParquetFileReader.open(
        new LocalInputFile(file),
        ParquetReadOptions.builder(new PlainParquetConfiguration()).build());
  }

  public static int rowGroups(Path file) throws IOException {
    try (ParquetFileReader r = open(file)) {
      return r.getRowGroups().size();
    }
  }
}
