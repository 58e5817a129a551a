import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { catalogueView, GasCatalogueView } from './gas-catalogue';

@ApiTags('permits')
@ApiBearerAuth()
@Controller('gas-catalogue')
export class GasCatalogueController {
  @Get()
  @ApiOperation({
    summary:
      'Common combustible gases with their LEL and the pass mark it sets (≤0.5 % vol where LEL ≥ 4 %, ≤0.2 % where < 4 %); a gas not listed is judged at 0.2 %',
  })
  @ApiOkResponse({ type: GasCatalogueView })
  list() {
    return catalogueView();
  }
}
