package dev.prio.server.web;

import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * API documentation of a {@code window} query parameter: a batch's window within its submission
 * date. The pattern is storage's {@code BatchWindow.PATTERN}, repeated because this room may not
 * depend on storage ({@code WindowParamTest} keeps the two equal).
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Parameter(
    description =
        "The window within the submission date: its UTC start, hHH or hHHmMM (e.g. h07, h07m30)."
            + " Absent or empty: the whole day, as every file batch.",
    schema = @Schema(type = "string", pattern = WindowParam.PATTERN))
public @interface WindowParam {
  String PATTERN = "^(h([01][0-9]|2[0-3])(m(0[1-9]|[1-5][0-9]))?)?$";
}
