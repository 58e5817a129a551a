import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, getSchemaPath } from '@nestjs/swagger';

/**
 * Documents a list endpoint's { items: T[], total, page, pageSize } answer (pagination.ts's Paginated<T>);
 * `keyset` adds the nextCursor of lists paged by cursor (keyset-cursor.ts).
 */
export function ApiPaginatedResponse(
  model: Type<unknown>,
  description?: string,
  o: { keyset?: boolean } = {},
): MethodDecorator & ClassDecorator {
  const keyset: Record<string, { type: 'string'; nullable: boolean; description: string }> = o.keyset
    ? {
        nextCursor: {
          type: 'string',
          nullable: true,
          description: 'Pass back as `cursor` for the rows after this page; null on the last page',
        },
      }
    : {};
  return applyDecorators(
    ApiExtraModels(model),
    ApiOkResponse({
      description,
      schema: {
        type: 'object',
        required: ['items', 'total', 'page', 'pageSize', ...(o.keyset ? ['nextCursor'] : [])],
        properties: {
          items: { type: 'array', items: { $ref: getSchemaPath(model) } },
          total: { type: 'integer' },
          page: { type: 'integer' },
          pageSize: { type: 'integer' },
          totalCapped: {
            type: 'boolean',
            description: 'true: more rows match than were counted; total is the cap (show it as "at least")',
          },
          ...keyset,
        },
      },
    }),
  );
}
