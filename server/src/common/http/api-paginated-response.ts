import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, getSchemaPath } from '@nestjs/swagger';

/** Documents a list endpoint's { items: T[], total, page, pageSize } answer (pagination.ts's Paginated<T>). */
export function ApiPaginatedResponse(model: Type<unknown>, description?: string): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(model),
    ApiOkResponse({
      description,
      schema: {
        type: 'object',
        required: ['items', 'total', 'page', 'pageSize'],
        properties: {
          items: { type: 'array', items: { $ref: getSchemaPath(model) } },
          total: { type: 'integer' },
          page: { type: 'integer' },
          pageSize: { type: 'integer' },
          totalCapped: {
            type: 'boolean',
            description: 'true: more rows match than were counted; total is the cap (show it as "at least")',
          },
        },
      },
    }),
  );
}
