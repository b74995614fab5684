import { DynamicModule, Module } from '@nestjs/common';
import { ReadAfterInterceptor } from './http/read-your-writes';
import { ApiConfig } from './config';
import { ProgrammeModule } from './programme/programme.module';
import { LoansController } from './loans/loans.controller';
import { FundsController } from './funds/funds.controller';
import { OperationsController } from './operations/operations.controller';
import { LedgersController } from './ledgers/ledgers.controller';
import { BatchesController } from './batches/batches.controller';

@Module({})
export class AppModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ProgrammeModule.forRoot(config)],
      controllers: [LoansController, BatchesController, FundsController, OperationsController, LedgersController],
      providers: [ReadAfterInterceptor],
    };
  }
}
