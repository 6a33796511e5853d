"""A realistic investor's answers to the plan form, by step id: the demo plays them."""

from __future__ import annotations

from datetime import date
from typing import Final

_NEXT: Final = date.today().year + 1

INVESTOR: Final = {
    "name": "李明",
    "company": "广东华锐精密科技股份有限公司",
    "phone": "13800138000",
}

TYPED: Final[dict[str, str]] = {
    "name": "年产30万套新能源汽车电机壳体项目",
    "content": "新建标准厂房及配套设施，引进压铸、机加工自动化生产线，生产新能源汽车电机壳体。",
    "investor": "广东华锐精密科技股份有限公司",
    "land_area": "120亩",
    "floor_area": "96000平方米",
    "plant_area": "80,000㎡",
    "office_area": "12000",
    "plot_ratio": "1.2",
    "total_investment": "6.5亿",
    "fixed_investment": "52000万元",
    "land_investment": "3600万",
    "plant_investment": "18000",
    "equipment_investment": "2.6亿",
    "phase_count": "2",
    "construction_months": "24个月",
    # Construction starts next year, so the months are never in the past (the form refuses).
    "phases.1.start": f"{_NEXT}-03",
    "phases.1.end": f"{_NEXT}年12月",
    "phases.2.start": f"{_NEXT + 1}.3",
    "phases.2.end": f"{_NEXT + 1}-12",
    # Each phase's own input and output (遴选办法 四(三)); together they make the whole.
    "phase_figures.1.land": "70亩",
    "phase_figures.1.fixed_investment": "3亿",
    "phase_figures.1.output": "5亿",
    "phase_figures.1.tax": "2500",
    "phase_figures.2.land": "50",
    "phase_figures.2.fixed_investment": "22000万元",
    "phase_figures.2.output": "3.5",
    "phase_figures.2.tax": "1700万元",
    "transformer_kva": "8000KVA",
    "daily_water": "300吨",
    "jobs": "６００人",
    "products": "新能源汽车电机壳体、减速器壳体",
    "domestic_share": "70%",
    "annual_output": "30万套",
    "annual_output_value": "8.5亿",
    "annual_tax": "4200万元",
    "materials_equipment": "铝合金锭（广东本地采购）；压铸岛、加工中心（国内采购）",
    "process_flow": "熔炼—压铸—去毛刺—机加工—清洗—检测—包装",
    "pollution_treatment": "熔炼废气经布袋除尘后达标排放；清洗废水经处理后回用",
    "investor_profile": "深交所上市公司，2025年营业收入32亿元，拥有发明专利46项",
    "other_info": "研发团队120人，拥有省级企业技术中心",
    "project_lead": "王建国",
    "contact_name": "李明",
    "contact_phone": "0763-5812345",
    "automation_rate": "75%",
    "rd_staff_share": "18",
}

PRESSED: Final[dict[str, str]] = {
    "sector": "装备制造（含智能制造）",
    "investor_category": "优质上市公司",
    "site": "清新智能制造产业园",
    "application_route": "向清新区申请（有明确选址）",
    "land_use": "购地",
    "land_source": "新增建设用地",
    "plant_structure": "多层标准厂房",
    "high_tech": "是",
    "famous_brand": "否",
    "phd_lead": "否",
    "rd_platform": "是",
    "headquarters": "否",
    "encouraged_category": "是",
    "expansion": "否",
    "core_technology": "是",
    "single_project": "是",
    "eco_red_line": "否",
    "planning_eia": "是",
    "environment_negative_list": "否",
    "work_safety": "是",
}

SKIPPED: Final = frozenset({"brand"})
SKIP_LABEL: Final = "跳过"
FEASIBILITY_REPORT: Final = ("可行性研究报告.pdf", "application/pdf")

# A few wrong answers the demo shows being refused, by step id.
WRONG: Final[dict[str, list[str]]] = {
    "land_area": ["120平方米"],
    "fixed_investment": ["7亿"],
    "contact_phone": ["12345"],
}
