package dev.prio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.parquet.Codecs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;

/**
 * Reads a staged Parquet file back through Parquet's own reader, for generate's and stage's tests.
 */
public final class ParquetFiles {
  private ParquetFiles() {}

  /** One row: the id column and the payload column's raw bytes. */
  public record Row(String id, byte[] payload) {}

  /** The file's rows in order; fails unless its schema is the one {@link StagedFile} writes. */
  public static List<Row> rows(Path f) throws Exception {
    List<Row> rows = new ArrayList<>();
    try (ParquetFileReader r = open(f)) {
      MessageType schema = r.getFooter().getFileMetaData().getSchema();
      assertThat(schema).isEqualTo(StagedFile.Parquet.SCHEMA);
      for (PageReadStore pages; (pages = r.readNextRowGroup()) != null; ) {
        RecordReader<Group> records =
            new ColumnIOFactory()
                .getColumnIO(schema)
                .getRecordReader(pages, new GroupRecordConverter(schema));
        for (long i = 0; i < pages.getRowCount(); i++) {
          Group g = records.read();
          rows.add(new Row(g.getString("id", 0), g.getBinary("payload", 0).getBytes()));
        }
      }
    }
    return rows;
  }

  /** The codec of every column chunk of the file, which must be one. */
  public static CompressionCodecName codec(Path f) throws Exception {
    try (ParquetFileReader r = open(f)) {
      List<CompressionCodecName> codecs =
          r.getRowGroups().stream()
              .flatMap(g -> g.getColumns().stream())
              .map(c -> c.getCodec())
              .distinct()
              .toList();
      assertThat(codecs).hasSize(1);
      return codecs.get(0);
    }
  }

  /** Compressed pages are read through the servers' codecs, the only ones without Hadoop. */
  private static ParquetFileReader open(Path f) throws Exception {
    return ParquetFileReader.open(
        new LocalInputFile(f),
        ParquetReadOptions.builder(new PlainParquetConfiguration())
            .withCodecFactory(new Codecs())
            .build());
  }
}
