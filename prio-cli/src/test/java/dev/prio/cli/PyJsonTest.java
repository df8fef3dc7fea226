package dev.prio.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prio.core.json.JsonParser;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The writer against strings produced once by Python 3.11's {@code json.dumps} (default arguments),
 * and the parser by round trips against {@code json.dumps(json.loads(s))}.
 */
class PyJsonTest {
  private static Map<String, Object> obj(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void rowWithStringId() {
    // json.dumps({"id": "d991b404", "payload": "q2e+/=="})
    assertThat(PyJson.dumps(obj("id", "d991b404", "payload", "q2e+/==")))
        .isEqualTo("{\"id\": \"d991b404\", \"payload\": \"q2e+/==\"}");
  }

  @Test
  void integerIdAndEveryScalarType() {
    List<Object> extra = new ArrayList<>(List.of(BigInteger.ONE, 2.5, true, false));
    extra.add(null);
    extra.add(new LinkedHashMap<>());
    extra.add(new ArrayList<>());
    // json.dumps({"id": 7, "payload": "AA==", "extra": [1, 2.5, True, False, None, {}, []]})
    assertThat(PyJson.dumps(obj("id", 7, "payload", "AA==", "extra", extra)))
        .isEqualTo(
            "{\"id\": 7, \"payload\": \"AA==\", \"extra\": [1, 2.5, true, false, null, {}, []]}");
  }

  @Test
  void ensureAsciiEscapes() {
    String s = "caf\u00e9 \u2603 \uD83D\uDE00 \u0000\u0001\u001f\u007f \"q\" \\ / \b\f\n\r\t";
    // json.dumps({"s": "caf\u00e9 \u2603 \U0001F600 \x00\x01\x1f\x7f \"q\" \\ / \b\f\n\r\t"})
    assertThat(PyJson.dumps(obj("s", s)))
        .isEqualTo(
            "{\"s\": \"caf\\u00e9 \\u2603 \\ud83d\\ude00 \\u0000\\u0001\\u001f\\u007f \\\"q\\\" \\\\ / \\b\\f\\n\\r\\t\"}");
  }

  @Test
  void floatsAsPythonRepr() {
    List<Object> floats =
        List.of(
            1e16,
            1e15,
            123456789012345678.0,
            1.5e-05,
            0.0001,
            -0.0,
            0.1,
            1e-07,
            1e100,
            2.0,
            -3.25,
            1e22,
            5e-324,
            1.7976931348623157e308);
    // json.dumps([1e16, 1e15, 123456789012345678.0, 1.5e-05, 0.0001, -0.0, 0.1, 1e-07, 1e100, 2.0,
    // -3.25, 1e22,
    //             5e-324, 1.7976931348623157e308])
    assertThat(PyJson.dumps(floats))
        .isEqualTo(
            "[1e+16, 1000000000000000.0, 1.2345678901234568e+17, 1.5e-05, 0.0001, "
                + "-0.0, 0.1, 1e-07, 1e+100, 2.0, -3.25, 1e+22, 5e-324, 1.7976931348623157e+308]");
    assertThat(
            PyJson.dumps(List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)))
        .isEqualTo("[NaN, Infinity, -Infinity]");
  }

  @Test
  void bigIntegers() {
    // json.dumps({"big": 2**128, "neg": -12})
    assertThat(PyJson.dumps(obj("big", BigInteger.TWO.pow(128), "neg", -12L)))
        .isEqualTo("{\"big\": 340282366920938463463374607431768211456, \"neg\": -12}");
  }

  @Test
  void aggregateLine() {
    // json.dumps(dict(payload="x", error=0, total=5))
    assertThat(PyJson.dumps(obj("payload", "x", "error", 0, "total", 5)))
        .isEqualTo("{\"payload\": \"x\", \"error\": 0, \"total\": 5}");
  }

  @Test
  void parseThenDumpMatchesPython() throws Exception {
    String src =
        "{\"b\": 1, \"a\": [1, 2], \"b\": 3, \"e\": \"\\u00e9\\ud83d\\ude00\\ud800\", \"f\": 1E2, \"g\": -0, \"h\": 10.50}";
    // json.dumps(json.loads(src)): a repeated key keeps its first place and its last value
    assertThat(PyJson.dumps(JsonParser.parse(src)))
        .isEqualTo(
            "{\"b\": 3, \"a\": [1, 2], \"e\": \"\\u00e9\\ud83d\\ude00\\ud800\", \"f\": 100.0, \"g\": 0, \"h\": 10.5}");
  }

  @Test
  void compactInputBecomesPythonSpacing() throws Exception {
    assertThat(PyJson.dumps(JsonParser.parse(" {\"payload\":[1,0,0,0,0]}\r\n")))
        .isEqualTo("{\"payload\": [1, 0, 0, 0, 0]}");
  }

  @Test
  void integersAndStringsStayDistinct() throws Exception {
    assertThat(JsonParser.parse("{\"id\": 12}")).isEqualTo(obj("id", BigInteger.valueOf(12)));
    assertThat(JsonParser.parse("{\"id\": \"12\"}")).isEqualTo(obj("id", "12"));
    assertThat(PyJson.dumps(JsonParser.parse("[12, \"12\"]"))).isEqualTo("[12, \"12\"]");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "{",
        "{\"a\" 1}",
        "{\"a\": 1,}",
        "[1,]",
        "[1 2]",
        "{'a': 1}",
        "{\"a\": 01}",
        "{\"a\": 1.}",
        "{\"a\": .5}",
        "{\"a\": -}",
        "{\"a\": 1e}",
        "\"\\x\"",
        "\"\\u12g4\"",
        "\"abc",
        "\"a\tb\"",
        "{\"a\": NaN}",
        "[Infinity]",
        "tru",
        "nul",
        "{} {}",
        "[1] x",
        "\uFEFF{}",
        "{\"a\": 1}}"
      })
  void rejectsMalformedJson(String text) {
    assertThatThrownBy(() -> JsonParser.parse(text))
        .isInstanceOf(JsonParser.JsonException.class)
        .hasMessageContaining("column");
  }

  @Test
  void refusesDeepNesting() {
    String deep = "[".repeat(10_000) + "]".repeat(10_000);
    assertThatThrownBy(() -> JsonParser.parse(deep))
        .isInstanceOf(JsonParser.JsonException.class)
        .hasMessageContaining("nesting");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "1.0|1.0",
        "100.0|100.0",
        "0.001|0.001",
        "1.25e-5|1.25e-05",
        "12345678.9|12345678.9",
        "9999999999999998.0|9999999999999998.0",
        "1e16|1e+16",
        "3e-4|0.0003",
        "-7.5e20|-7.5e+20"
      })
  void floatRepr(double value, String python) {
    assertThat(PyJson.floatRepr(value)).isEqualTo(python);
  }
}
