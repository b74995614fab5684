import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessGuard } from './auth/access.guard';
import { ReadAfterInterceptor } from './http/read-your-writes';
import { ApiConfig } from './config';
import { ProgrammeModule } from './programme/programme.module';
import { LoansController } from './loans/loans.controller';
import { FundsController } from './funds/funds.controller';
import { OperationsController } from './operations/operations.controller';
import { LedgersController } from './ledgers/ledgers.controller';
import { AssessmentController } from './ledgers/assessment.controller';
import { BatchesController } from './batches/batches.controller';
import { FeedController } from './feed/feed.controller';
import { FeedService } from './feed/feed.service';
import { WebhookDeliveries } from './webhooks/webhook-deliveries';
import { WebhooksController } from './webhooks/webhooks.controller';
import { AuditController } from './audit/audit.controller';
import { AuditService } from './audit/audit.service';
import { ErasureController } from './privacy/erasure.controller';
import { Erasures } from './privacy/erasures';
import { DashboardController } from './dashboard/dashboard.controller';

@Module({})
export class AppModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ProgrammeModule.forRoot(config)],
      controllers: [
        LoansController,
        BatchesController,
        FundsController,
        OperationsController,
        LedgersController,
        AssessmentController,
        FeedController,
        WebhooksController,
        AuditController,
        ErasureController,
        DashboardController,
      ],
      // Deny by default: every route passes the access guard, which refuses what the policy does not allow.
      providers: [
        ReadAfterInterceptor,
        FeedService,
        WebhookDeliveries,
        AuditService,
        Erasures,
        { provide: APP_GUARD, useClass: AccessGuard },
      ],
    };
  }
}
