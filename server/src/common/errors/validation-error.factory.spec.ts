import { IsIn, IsString, Max, MaxLength, Min, validate } from 'class-validator';
import { flattenValidationErrors } from './validation-error.factory';

class MachineLike {
  @Min(1) @Max(2000) ratedCurrentA!: number;
  @IsString() @MaxLength(5) name!: string;
  @IsIn(['arc', 'gas']) kind!: string;
}

function machine(values: Partial<MachineLike>): MachineLike {
  return Object.assign(new MachineLike(), { ratedCurrentA: 100, name: 'ok', kind: 'arc', ...values });
}

describe('flattenValidationErrors', () => {
  it("gives a failed rule's limits as params, named like class-validator's message tokens", async () => {
    const errors = await validate(machine({ ratedCurrentA: 2500, name: 'too long' }), {
      validationError: { target: true, value: false },
    });
    expect(flattenValidationErrors(errors)).toEqual([
      { field: 'ratedCurrentA', code: 'max', message: expect.any(String), params: { constraint1: 2000 } },
      { field: 'name', code: 'maxLength', message: expect.any(String), params: { constraint1: 5 } },
    ]);
  });

  it('joins a list of allowed values, and gives no params without the target', async () => {
    const withTarget = await validate(machine({ kind: 'laser' }), { validationError: { target: true } });
    expect(flattenValidationErrors(withTarget)[0]).toMatchObject({ code: 'isIn', params: { constraint1: 'arc, gas' } });
    const withoutTarget = await validate(machine({ kind: 'laser' }), { validationError: { target: false } });
    expect(flattenValidationErrors(withoutTarget)[0]).not.toHaveProperty('params');
  });
});
