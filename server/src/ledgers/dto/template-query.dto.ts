import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { TEMPLATE_LANGS, TemplateLang } from '../sheet/ledger-sheet';

export class TemplateQueryDto {
  @ApiPropertyOptional({
    enum: TEMPLATE_LANGS,
    description: "Language of the hint row; without it the request's Accept-Language decides (Chinese by default)",
  })
  @IsOptional()
  @IsIn(TEMPLATE_LANGS)
  lang?: TemplateLang;
}
