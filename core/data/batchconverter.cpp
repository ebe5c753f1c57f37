// SPDX-License-Identifier: Apache-2.0
#include "data/batchconverter.h"

#include "data/imageconverter.h"

#include <ATen/ATen.h>

#include <stdexcept>

namespace pareto::detail {

at::Tensor BatchConverter::convert(const at::Tensor& images) const {
    if (images.dim() != 4 || images.size(1) != m_source.channels || images.size(2) != m_source.height || images.size(3) != m_source.width)
        throw std::runtime_error("BatchConverter: images do not have the source shape");
    const at::Tensor src = images.to(at::kFloat).contiguous();
    const int64_t n = src.size(0);
    at::Tensor out = at::empty({n, m_target.channels, m_target.height, m_target.width}, at::kFloat);
    ImageConverter converter(m_target);
    NoteLog notes;  // the loader recorded these once for the whole set
    const float* in = src.data_ptr<float>();
    float* dst = out.data_ptr<float>();
    for (int64_t i = 0; i < n; ++i)
        if (Status s = converter.convert(m_source, in + i * m_source.elements(), dst + i * m_target.elements(), notes); !s)
            throw std::runtime_error(s.error().message);
    return out;
}

}  // namespace pareto::detail
