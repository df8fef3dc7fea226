package dev.prio.server.web;

import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** API documentation of a {@code {date}} path variable: the submission date. */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Parameter(
    description = "The submission date, YYYY-MM-DD",
    schema = @Schema(type = "string", format = "date"))
public @interface DateParam {}
