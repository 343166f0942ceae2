"""All tables, one module per SPEC area; importing this package registers them on Base.metadata."""

from lingxi.db.models.accounts import ApiToken, LoginSession, Organisation, User
from lingxi.db.models.audit import AuditEntry
from lingxi.db.models.enterprises import (
    Demand,
    DemandStatusChange,
    DueDiligenceNote,
    EnterprisePatentLink,
    EnterpriseProfile,
    TrainingRecord,
)
from lingxi.db.models.imports import ImportJob, ImportRejection
from lingxi.db.models.finance import FinanceProduct, FinancialInstitution, PledgeApplication
from lingxi.db.models.market import (
    Deal,
    DealPatent,
    DealPayment,
    DealTransition,
    Listing,
    ListingEnquiry,
    ListingPatent,
    MarketEvent,
    MarketParameter,
    NegotiationEntry,
    OpenLicenceAcceptance,
    OpenLicenceDeclaration,
)
from lingxi.db.models.matching import MatchFeedback
from lingxi.db.models.parties import Party, PartyAlias, RegisteredOrganisation
from lingxi.db.models.pools import (
    PatentPool,
    PoolLicence,
    PoolMember,
    PoolPatent,
    PoolRoyaltyAllocation,
    PoolRoyaltyPayment,
)
from lingxi.db.models.patents import (
    Patent,
    PatentCitation,
    PatentClassification,
    PatentLegalEvent,
    PatentParty,
    PatentRevision,
)
from lingxi.db.models.push import (
    InboxMessage,
    PushChannelDelivery,
    PushCursor,
    PushDelivery,
    PushRun,
    Subscription,
    SubscriptionVector,
)
from lingxi.db.models.kpi import IndicatorAdjustment, PatentFlag, Programme, ProgrammeIndicator
from lingxi.db.models.operating import CultivatedPlatform, EnterpriseOperatingYear, PatentProductFiling
from lingxi.db.models.saved_searches import SavedSearch
from lingxi.db.models.talent import Talent, TalentMention
from lingxi.db.models.tagging import PatentAnnotation, PatentTag, TaggingRun, TaxonomyNodeRow, TaxonomyVersion
from lingxi.db.models.value import PatentIndicatorSet, PatentValueScore, ValueProfile
from lingxi.db.models.navigation import NavigationReport
from lingxi.db.models.value_operations import (
    ComparableTransaction,
    PatentAward,
    PledgeRecord,
    RegionPopulation,
    ValueParameter,
)

__all__ = [
    "ApiToken",
    "AuditEntry",
    "LoginSession",
    "Organisation",
    "User",
    "Demand",
    "DemandStatusChange",
    "DueDiligenceNote",
    "EnterprisePatentLink",
    "EnterpriseProfile",
    "TrainingRecord",
    "ImportJob",
    "ImportRejection",
    "Deal",
    "DealPatent",
    "DealPayment",
    "DealTransition",
    "Listing",
    "ListingEnquiry",
    "ListingPatent",
    "MarketEvent",
    "MarketParameter",
    "NegotiationEntry",
    "OpenLicenceAcceptance",
    "OpenLicenceDeclaration",
    "MatchFeedback",
    "Party",
    "PartyAlias",
    "RegisteredOrganisation",
    "Patent",
    "PatentCitation",
    "PatentClassification",
    "PatentLegalEvent",
    "PatentParty",
    "PatentRevision",
    "InboxMessage",
    "PushChannelDelivery",
    "PushCursor",
    "PushDelivery",
    "PushRun",
    "Subscription",
    "SubscriptionVector",
    "PatentAnnotation",
    "PatentTag",
    "TaggingRun",
    "TaxonomyNodeRow",
    "TaxonomyVersion",
    "PatentIndicatorSet",
    "PatentValueScore",
    "NavigationReport",
    "ValueProfile",
    "ComparableTransaction",
    "PatentAward",
    "PledgeRecord",
    "RegionPopulation",
    "ValueParameter",
    "FinanceProduct",
    "FinancialInstitution",
    "PledgeApplication",
    "PatentPool",
    "PoolLicence",
    "PoolMember",
    "PoolPatent",
    "PoolRoyaltyAllocation",
    "PoolRoyaltyPayment",
    "CultivatedPlatform",
    "EnterpriseOperatingYear",
    "PatentProductFiling",
    "IndicatorAdjustment",
    "PatentFlag",
    "Programme",
    "ProgrammeIndicator",
    "Talent",
    "TalentMention",
    "SavedSearch",
]
