import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { camel } from './api-names';

/** Validation of every request body: unknown fields refused, each problem named by its field. */
export const validationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  exceptionFactory: (errors: ValidationError[]) => {
    const flat = flatten(errors);
    return new BadRequestException({ code: 'REQUEST.INVALID', message: flat.map((e) => e.message), errors: flat });
  },
});

export function flatten(errors: ValidationError[], prefix = ''): Array<{ field: string; message: string }> {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.entries(e.constraints ?? {}).map(([rule, message]) => ({
      field,
      message:
        rule === 'whitelistValidation' && e.property.includes('_')
          ? `${field} is not known here: names are in camelCase (${camel(field)})`
          : message.startsWith(e.property)
            ? `${field}${message.slice(e.property.length)}`
            : message,
    }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}
